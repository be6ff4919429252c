/* Offers and needs layer of the catalogue page: points from a json_script block, popups as text. */
(function () {
  "use strict";

  var COLOURS = { offer: "#0b6e4f", need: "#b5470b" };

  function popup(point) {
    var link = document.createElement("a");
    link.href = point[3];
    link.textContent = point[2];
    return link;
  }

  function init(element) {
    if (typeof L === "undefined" || element.dataset.ready) { return; }
    element.dataset.ready = "1";
    var data = document.getElementById(element.dataset.listingPoints);
    var points = data ? JSON.parse(data.textContent) : [];
    element.innerHTML = "";
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 });
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 18, attribution: element.dataset.tileAttribution
    }).addTo(map);
    var latLngs = [];
    points.forEach(function (point) {
      var latLng = [point[0], point[1]];
      latLngs.push(latLng);
      L.circleMarker(latLng, {
        radius: 7, weight: 1, color: "#ffffff", fillColor: COLOURS[point[4]] || "#333333", fillOpacity: 0.9
      }).bindPopup(popup(point)).addTo(map);
    });
    if (latLngs.length === 1) {
      map.setView(latLngs[0], 11);
    } else if (latLngs.length > 1) {
      map.fitBounds(latLngs, { padding: [20, 20], maxZoom: 12 });
    } else {
      map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map[data-listing-points]").forEach(init);
  });
})();
