from maillage.membership.views._forms import add_errors

__all__ = ["add_errors"]
