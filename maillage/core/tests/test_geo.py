import random

from h3.api import basic_int as h3

from maillage.core.geo import parent_cell_bits


def test_parent_cells_by_bit_operations_equal_h3s_own_parents():
    generator = random.Random(5)
    for _ in range(500):
        latitude, longitude = generator.uniform(41.3, 51.1), generator.uniform(-5.2, 9.6)
        for resolution, parent in ((5, 4), (7, 6), (7, 3), (5, 3)):
            cell = h3.latlng_to_cell(latitude, longitude, resolution)
            mask, value = parent_cell_bits(resolution, parent)
            assert (cell & mask) | value == h3.cell_to_parent(cell, parent)
