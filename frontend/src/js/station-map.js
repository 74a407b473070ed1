// The street map of stations (stations/station_map.html). Data comes from a JSON block on the page
// (no inline script: the CSP forbids it). With no tile server configured the map draws the street's
// outline (the hull around its communities and stations) and the points on a plain background, so
// it is useful on an intranet without internet access.
(function () {
  "use strict";

  function cross(o, a, b) {
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  }

  // Andrew's monotone chain: the convex hull of [lat, lng] points.
  function hull(points) {
    const sorted = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    if (sorted.length < 3) return sorted;
    const lower = [];
    for (const p of sorted) {
      while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
      lower.push(p);
    }
    const upper = [];
    for (const p of sorted.slice().reverse()) {
      while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
      upper.push(p);
    }
    return lower.slice(0, -1).concat(upper.slice(0, -1));
  }

  function draw() {
    const holder = document.getElementById("station-map");
    const source = document.getElementById("station-map-data");
    if (!holder || !source || !window.L) return;
    const data = JSON.parse(source.textContent);
    const map = window.L.map(holder, { attributionControl: Boolean(data.tiles) });
    if (data.tiles) {
      window.L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
    }
    const points = data.communities.map((c) => [c.lat, c.lng]).concat(data.stations.map((s) => [s.lat, s.lng]));
    if (points.length === 0) {
      map.setView([30.3062, 120.15], 14);
      holder.dataset.ready = "0";
      return;
    }
    const outline = hull(points);
    if (outline.length >= 3) {
      window.L.polygon(outline, { color: "#6b8aa0", weight: 2, fillColor: "#ffffff", fillOpacity: 0.6 }).addTo(map);
    }
    for (const community of data.communities) {
      window.L.circleMarker([community.lat, community.lng], { radius: 3, color: "#6b8aa0" })
        .bindTooltip(community.name, { permanent: true, direction: "right", className: "community-label" })
        .addTo(map);
    }
    for (const station of data.stations) {
      const link = document.createElement("a");
      link.href = station.url;
      link.textContent = station.name;
      const label = document.createElement("div");
      label.appendChild(link);
      const type = document.createElement("div");
      type.textContent = station.type;
      label.appendChild(type);
      window.L.circleMarker([station.lat, station.lng], {
        radius: 11,
        color: "#b71c1c",
        fillColor: "#e53935",
        fillOpacity: 0.9,
        className: "station-point",
      })
        .bindPopup(label)
        .addTo(map);
    }
    map.fitBounds(points, { padding: [28, 28], maxZoom: 16 });
    holder.dataset.ready = String(data.stations.length);
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
