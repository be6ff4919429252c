/* Maillage: small progressive enhancements. Pages work without this file. */
(function () {
  "use strict";

  var METROPOLE = [[41.3, -5.2], [51.1, 9.6]];

  function inMetropole(latLng) {
    return latLng[0] >= METROPOLE[0][0] && latLng[0] <= METROPOLE[1][0] &&
      latLng[1] >= METROPOLE[0][1] && latLng[1] <= METROPOLE[1][1];
  }

  /* A point is [latitude, longitude, name, slug, commune]; text is set as text, never as HTML. */
  function popupContent(point) {
    var wrapper = document.createElement("div");
    var title = document.createElement(point[3] ? "a" : "strong");
    title.textContent = point[2];
    if (point[3]) { title.href = "/organisations/" + encodeURIComponent(point[3]) + "/"; }
    wrapper.appendChild(title);
    if (point[4]) {
      var place = document.createElement("div");
      place.textContent = point[4];
      wrapper.appendChild(place);
    }
    return wrapper;
  }

  /* Frame the points; when most are in metropolitan France, overseas ones do not zoom the map out. */
  function frame(map, latLngs) {
    var metropole = latLngs.filter(inMetropole);
    var framed = metropole.length >= latLngs.length / 2 ? metropole : latLngs;
    if (framed.length === 1) {
      map.setView(framed[0], 13);
    } else if (framed.length > 1) {
      map.fitBounds(framed, { padding: [20, 20], maxZoom: 13 });
    } else {
      map.fitBounds(METROPOLE);
    }
  }

  function initMap(element) {
    if (typeof L === "undefined" || element.dataset.ready) { return; }
    element.dataset.ready = "1";
    var dataElement = document.getElementById(element.dataset.mapPoints);
    var points = dataElement ? JSON.parse(dataElement.textContent) : [];
    element.innerHTML = "";
    var map = L.map(element, { preferCanvas: true, scrollWheelZoom: false, zoomSnap: 0.25 });
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 18, attribution: element.dataset.tileAttribution
    }).addTo(map);
    var latLngs = [];
    var radius = points.length > 500 ? 4 : 6;
    points.forEach(function (point) {
      var latLng = [point[0], point[1]];
      latLngs.push(latLng);
      L.circleMarker(latLng, {
        radius: radius, weight: 1, color: "#ffffff", fillColor: "#0b6e4f", fillOpacity: 0.9
      }).bindPopup(popupContent(point)).addTo(map);
    });
    frame(map, latLngs);
    element.addEventListener("focus", function () { map.scrollWheelZoom.enable(); });
  }

  /* Place fields (territory.forms.CommuneInput): suggestions from the communes API in a
     <datalist>; each option's value is a label the server's resolver reads back. */
  function initCommuneInput(input) {
    if (input.dataset.ready) { return; }
    input.dataset.ready = "1";
    var list = document.createElement("datalist");
    list.id = (input.id || input.name) + "-communes";
    input.setAttribute("list", list.id);
    input.insertAdjacentElement("afterend", list);
    var timer = null, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === last) { return; }
        last = text;
        fetch(input.dataset.communeAutocomplete + "?limit=8&q=" + encodeURIComponent(text))
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (body) {
            list.innerHTML = "";
            body.results.forEach(function (commune) {
              var option = document.createElement("option");
              option.value = commune.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the field still works as plain text */ });
      }, 200);
    });
  }

  /* <details data-open-wide> (the header menu, the search filters): always open on wide screens;
     on phones as the person left it, also when htmx swaps the part of the page that holds it. */
  var WIDE = window.matchMedia("(min-width: 60rem)");
  var leftOpen = {};

  function syncDetails(root) {
    (root || document).querySelectorAll("details[data-open-wide]").forEach(function (details) {
      var key = details.id || details.className;
      details.open = WIDE.matches || leftOpen[key] === true;
      if (details.dataset.watched) { return; }
      details.dataset.watched = "1";
      details.addEventListener("toggle", function () {
        if (!WIDE.matches) { leftOpen[key] = details.open; }
      });
    });
  }

  function initAll(root) {
    syncDetails(root);
    (root || document).querySelectorAll(".map[data-map-points]").forEach(initMap);
    (root || document).querySelectorAll("input[data-commune-autocomplete]").forEach(initCommuneInput);
  }

  /* A drop-down <details data-dropdown> closes on a click elsewhere or on Escape. */
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (details) {
      if (!details.contains(event.target)) { details.open = false; }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (details) {
      details.open = false;
      details.querySelector("summary").focus();
    });
  });

  WIDE.addEventListener("change", function () { syncDetails(document); });
  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initAll(event.target); });
})();
