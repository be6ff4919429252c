/* Maillage: maps fed by /api/v1/map/clusters, with the same filters as the list.
   Clusters show a count and zoom in when clicked; single organisations open a popup. */
(function () {
  "use strict";

  /* Metropolitan France frames every map at first, as French public maps do; the overseas
     départements are a click away (the « map-frames » buttons). */
  var METROPOLE = [[41.3, -5.2], [51.1, 9.6]];
  var DROPPED_FROM_QUERY = ["page", "bbox", "sort", "lat", "lon", "zoom"];

  function cleanQuery(query) {
    var params = new URLSearchParams(query);
    DROPPED_FROM_QUERY.forEach(function (name) { params.delete(name); });
    Array.from(params.keys()).forEach(function (name) { if (!params.get(name)) { params.delete(name); } });
    return params;
  }

  function clusterIcon(count) {
    var size = count < 10 ? 30 : count < 100 ? 38 : count < 1000 ? 46 : 56;
    return L.divIcon({
      className: "cluster-icon",
      html: "<span>" + (count >= 10000 ? Math.round(count / 1000) + "k" : count) + "</span>",
      iconSize: [size, size]
    });
  }

  var ORGANISATION_ICON = L.divIcon({ className: "organisation-icon", iconSize: [16, 16] });

  function line(parent, tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    element.textContent = text;
    parent.appendChild(element);
    return element;
  }

  /* Text is set as text, never as HTML. */
  function popupContent(properties) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = line(box, "strong", "", "");
    var link = line(title, "a", "", properties.name);
    link.href = "/organisations/" + encodeURIComponent(properties.slug) + "/";
    if (properties.kinds && properties.kinds.length) { line(box, "div", "map-popup-kinds", properties.kinds.join(" · ")); }
    if (properties.sectors && properties.sectors.length) { line(box, "div", "map-popup-sectors", properties.sectors.join(", ")); }
    if (properties.commune) { line(box, "div", "map-popup-place", properties.commune); }
    return box;
  }

  function ClusterMap(element) {
    this.element = element;
    this.query = cleanQuery(element.dataset.query || "");
    this.syncUrl = element.hasAttribute("data-sync-url");
    this.request = null;
    var start = this.startView();
    this.fitOnFirstDraw = !start.fromUrl;
    element.innerHTML = "";
    this.map = L.map(element, { zoomSnap: 1 });
    if (start.fromUrl) { this.map.setView([start.lat, start.lon], start.zoom); } else { this.map.fitBounds(METROPOLE); }
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: element.dataset.tileAttribution }).addTo(this.map);
    this.layer = L.layerGroup().addTo(this.map);
    this.status = L.control({ position: "bottomleft" });
    this.status.onAdd = function () {
      var box = L.DomUtil.create("div", "map-status");
      box.setAttribute("aria-live", "polite");
      return box;
    };
    this.status.addTo(this.map);
    this.map.on("moveend", this.refresh, this);
    this.refresh();
  }

  ClusterMap.prototype.startView = function () {
    var params = new URLSearchParams(window.location.search);
    var lat = parseFloat(params.get("lat")), lon = parseFloat(params.get("lon"));
    var zoom = parseInt(params.get("zoom"), 10);
    if (isFinite(lat) && isFinite(lon) && isFinite(zoom)) {
      return { lat: lat, lon: lon, zoom: zoom, fromUrl: true };
    }
    return { fromUrl: false };
  };

  ClusterMap.prototype.frame = function (bounds) {
    this.fitOnFirstDraw = false;
    this.map.fitBounds(bounds);
  };

  ClusterMap.prototype.setQuery = function (query) {
    this.query = cleanQuery(query);
    this.fitOnFirstDraw = true;
    this.refresh();
  };

  ClusterMap.prototype.refresh = function () {
    var bounds = this.map.getBounds(), zoom = this.map.getZoom();
    var params = new URLSearchParams(this.query);
    params.set("zoom", zoom);
    if (this.fitOnFirstDraw) { params.set("extent", "true"); }
    params.set("bbox", [
      Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
      Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90)
    ].map(function (value) { return value.toFixed(4); }).join(","));
    if (this.request) { this.request.abort(); }
    this.request = new AbortController();
    var self = this;
    fetch(this.element.dataset.clustersUrl + "?" + params.toString(), { signal: this.request.signal })
      .then(function (response) { return response.json(); })
      .then(function (collection) { self.draw(collection); })
      .catch(function (error) { if (error.name !== "AbortError") { self.say("Carte indisponible."); } });
    if (this.syncUrl) {
      var pageParams = new URLSearchParams(this.query);
      var centre = this.map.getCenter();
      pageParams.set("lat", centre.lat.toFixed(5));
      pageParams.set("lon", centre.lng.toFixed(5));
      pageParams.set("zoom", zoom);
      window.history.replaceState(null, "", "?" + pageParams.toString());
    }
  };

  ClusterMap.prototype.say = function (text) {
    this.status.getContainer().textContent = text;
  };

  /* Frame what the filters found, once: later moves are the visitor's. */
  ClusterMap.prototype.fit = function (collection) {
    this.fitOnFirstDraw = false;
    var extent = collection.properties && collection.properties.extent;
    if (!extent) { return false; }
    var bounds = L.latLngBounds([extent[1], extent[0]], [extent[3], extent[2]]).pad(0.1);
    var zoom = Math.min(this.map.getBoundsZoom(bounds), 13);
    if (zoom === this.map.getZoom() && this.map.getBounds().contains(bounds)) { return false; }
    this.map.fitBounds(bounds, { maxZoom: 13 });
    return true;
  };

  ClusterMap.prototype.draw = function (collection) {
    if (this.fitOnFirstDraw && this.fit(collection)) { return; }
    var map = this.map, layer = this.layer;
    layer.clearLayers();
    collection.features.forEach(function (feature) {
      var coordinates = feature.geometry.coordinates, properties = feature.properties;
      var latLng = [coordinates[1], coordinates[0]];
      if (properties.count > 1) {
        var marker = L.marker(latLng, {
          icon: clusterIcon(properties.count), title: properties.count + " organisations", keyboard: true
        });
        marker.on("click", function () { map.setView(latLng, Math.min(map.getZoom() + 2, 18)); });
        marker.addTo(layer);
      } else {
        L.marker(latLng, {
          icon: ORGANISATION_ICON, title: properties.name, alt: properties.name, keyboard: true
        }).bindPopup(popupContent(properties)).addTo(layer);
      }
    });
    var total = collection.properties ? collection.properties.total : 0;
    this.say(total + (total > 1 ? " organisations dans cette zone" : " organisation dans cette zone"));
  };

  var maps = [];
  function initAll() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-cluster-map]").forEach(function (element) {
      if (!element.dataset.ready) {
        element.dataset.ready = "1";
        var clusterMap = new ClusterMap(element);
        maps.push(clusterMap);
        document.querySelectorAll("[data-map-frames='" + element.id + "'] button[data-bounds]").forEach(function (button) {
          button.addEventListener("click", function () {
            var b = JSON.parse(button.dataset.bounds);
            clusterMap.frame([[b[0], b[1]], [b[2], b[3]]]);
          });
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", initAll);

  /* The search page: after HTMX replaced the results, show the same filters on the map. */
  document.addEventListener("htmx:afterSwap", function () {
    /* The server's reading of the filters (the commune as its INSEE code, a place read from
       the words), not the raw form: the list and the map then find the same organisations. */
    var panels = document.getElementById("search-panels");
    if (!panels || !panels.hasAttribute("data-map-query")) { return; }
    var query = panels.dataset.mapQuery;
    maps.forEach(function (clusterMap) { clusterMap.setQuery(query); });
  });
})();
