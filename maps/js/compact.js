/*
 * kzmap compact data (part of kzmap, MIT licence).
 *
 * Layers written by kzmap.maps.compact carry their GeoJSON as base64 of a
 * zlib stream in a non-executed script element. This inflates it with the
 * browser's own DecompressionStream and adds the features to the Leaflet
 * layer. Layers are filled in page order, so they stack as they were added.
 * While layers are being filled, <html data-kz-pending> counts them; it is
 * "0" once every layer is drawn, and data-kz-drawn-ms says when (ms since
 * navigation start).
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});
  var queue = Promise.resolve();
  var pending = 0;
  var warned = false;

  function setPending(delta) {
    pending += delta;
    var root = document.documentElement;
    root.setAttribute('data-kz-pending', String(pending));
    if (pending === 0) root.setAttribute('data-kz-drawn-ms', String(Math.round(performance.now())));
  }

  kz.bytesFromBase64 = function (text) {
    var binary = atob(text);
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  };

  kz.canInflate = function () {
    return typeof DecompressionStream === 'function';
  };

  // The browser's zlib decoder (Chrome 80+, Firefox 113+, Safari 16.4+).
  kz.inflate = function (bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).arrayBuffer().then(function (buffer) {
      return new Uint8Array(buffer);
    });
  };

  function isPosition(value) {
    return value.length === 0 || typeof value[0] === 'number';
  }

  // Coordinates packed by kzmap.maps.compact: integers in 1/scale degree; a
  // line's or ring's positions after the first are differences from the last.
  function unpack(coords, scale) {
    var i, j;
    if (isPosition(coords)) {
      for (j = 0; j < coords.length; j++) coords[j] /= scale;
      return;
    }
    if (coords.length && isPosition(coords[0])) {
      var total = [];
      for (i = 0; i < coords.length; i++) {
        var p = coords[i];
        for (j = 0; j < p.length; j++) {
          total[j] = (j < total.length ? total[j] : 0) + p[j];
          p[j] = total[j] / scale;
        }
      }
      return;
    }
    for (i = 0; i < coords.length; i++) unpack(coords[i], scale);
  }

  function unpackGeometry(geometry, scale) {
    if (!geometry) return;
    if (geometry.coordinates) unpack(geometry.coordinates, scale);
    if (geometry.geometries) {
      for (var i = 0; i < geometry.geometries.length; i++) unpackGeometry(geometry.geometries[i], scale);
    }
  }

  /** Plain GeoJSON from a collection written by kzmap.maps.compact. */
  kz.expand = function (data) {
    var scale = data.kzScale;
    if (!scale) return data;
    delete data.kzScale;
    for (var i = 0; i < data.features.length; i++) unpackGeometry(data.features[i].geometry, scale);
    return data;
  };

  /** Fill GeoJSON `layer` from the base64 zlib text of element `dataId`. */
  kz.addGeoJson = function (layer, dataId) {
    if (!kz.canInflate()) {
      if (warned) return queue;
      warned = true;
      console.warn(
        'kzmap: this browser has no DecompressionStream, so map layers cannot be ' +
          'drawn; open the map in Chrome 80+, Firefox 113+ or Safari 16.4+.'
      );
      return queue;
    }
    var block = document.getElementById(dataId);
    setPending(1);
    var decoded = kz.inflate(kz.bytesFromBase64(block.textContent)).then(function (bytes) {
      return kz.expand(JSON.parse(new TextDecoder().decode(bytes)));
    });
    queue = queue
      .then(function () {
        return decoded;
      })
      .then(
        function (data) {
          layer.addData(data);
        },
        function (err) {
          console.error('kzmap: could not read the data of a map layer: ' + err);
        }
      )
      .then(function () {
        setPending(-1);
        layer.fire('kz:loaded');
      });
    return queue;
  };

  /** A promise resolved once every layer added so far is filled. */
  kz.whenLoaded = function () {
    return queue;
  };
})();
