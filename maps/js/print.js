/*
 * kzmap print layout (part of kzmap, MIT licence): rearranges a kzmap page
 * into a sheet (map frame; title, legend, scale, north arrow, locator inset,
 * date, disclaimer and sources outside it), and writes that sheet as SVG.
 * Every text given here arrives already escaped or is set as text.
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});

  function div(className, parent) {
    var el = document.createElement('div');
    el.className = className;
    if (parent) parent.appendChild(el);
    return el;
  }

  function text(className, value, parent) {
    var el = div(className, parent);
    el.textContent = value;
    return el;
  }

  var NORTH =
    '<svg class="kzmap-north" viewBox="0 0 40 56" aria-hidden="true">' +
    '<path d="M20 4 L32 44 L20 36 L8 44 Z" fill="#1a1a1a"/>' +
    '<path d="M20 4 L20 36 L8 44 Z" fill="#fff" stroke="#1a1a1a" stroke-width="1.5"/></svg>';

  var MIN_FRAME = 8; // smallest side of the frame drawn on the locator (inset units)

  function placeFrame(svg, map) {
    var b = map.getBounds();
    var west = Number(svg.dataset.west);
    var north = Number(svg.dataset.north);
    var k = Number(svg.dataset.scale);
    var cos = Number(svg.dataset.cos);
    var rect = svg.querySelector('.kzmap-locator-frame');
    var x = (b.getWest() - west) * cos * k;
    var y = (north - b.getNorth()) * k;
    var w = (b.getEast() - b.getWest()) * cos * k;
    var h = (b.getNorth() - b.getSouth()) * k;
    // a small map still gets a frame one can find: at least MIN_FRAME units,
    // centred where the map is
    var grow = Math.max(MIN_FRAME - w, MIN_FRAME - h, 0) / 2;
    rect.setAttribute('x', (x - grow).toFixed(1));
    rect.setAttribute('y', (y - grow).toFixed(1));
    rect.setAttribute('width', (w + 2 * grow).toFixed(1));
    rect.setAttribute('height', (h + 2 * grow).toFixed(1));
  }

  /**
   * Turn the page into a print sheet of `o.width` x `o.height` mm; sets
   * body.dataset.kzPrinted = '1' once the map is fitted and labelled.
   */
  kz.printSheet = function (view, o) {
    var map = view.map;
    var body = document.body;
    body.classList.add('kzmap-sheet-on');
    if (o.portrait) body.classList.add('kzmap-sheet-portrait');
    var sheet = div('kzmap-sheet');
    sheet.style.width = o.width + 'mm';
    sheet.style.height = o.height + 'mm';
    body.insertBefore(sheet, body.firstChild);
    // head: title and subtitle (or the default title)
    var head = div('kzmap-sheet-head', sheet);
    var title = document.getElementById('kzmap-title');
    if (title) head.appendChild(title);
    else text('kzmap-title-text', o.title, head);
    // the map frame
    var frame = div('kzmap-sheet-frame', sheet);
    frame.appendChild(map.getContainer());
    // side: legend, north arrow and scale, locator
    var side = div('kzmap-sheet-side', sheet);
    var legend = document.getElementById('kzmap-legend');
    if (legend) {
      side.appendChild(legend);
      legend.querySelectorAll('details').forEach(function (d) {
        d.open = true;
      });
    }
    var orient = div('kzmap-sheet-orient', side);
    var arrow = div('kzmap-sheet-north', orient);
    arrow.innerHTML = NORTH;
    text('kzmap-sheet-north-label', o.north, arrow);
    var scale = map.getContainer().querySelector('.leaflet-control-scale');
    if (scale) orient.appendChild(scale);
    // ru/kk maps show kilometres only: keep that once the scale leaves the map
    if (map.getContainer().classList.contains('kzmap-metric-only')) orient.classList.add('kzmap-metric-only');
    var inset = div('kzmap-sheet-locator', side);
    text('kzmap-panel-title', o.locatorTitle, inset);
    inset.insertAdjacentHTML('beforeend', o.locator);
    // foot: date, disclaimer and network note; then the full list of sources
    // (the date sits in the foot so that a long legend never pushes it off)
    var foot = div('kzmap-sheet-foot', sheet);
    text('kzmap-sheet-date', o.date, foot);
    var sources = document.getElementById('kzmap-sources');
    var cites = div('kzmap-sheet-sources');
    body.insertBefore(cites, sheet.nextSibling);
    if (sources) {
      var summary = sources.querySelector('summary');
      var list = sources.querySelector('.kzmap-sources-body');
      sources.querySelectorAll('.kzmap-disclaimer, .kzmap-network').forEach(function (el) {
        foot.appendChild(el);
      });
      if (summary) text('kzmap-panel-title', summary.textContent, cites);
      if (list) cites.appendChild(list);
      sources.remove();
    }
    var control = map.getContainer().querySelectorAll('.leaflet-control');
    control.forEach(function (el) {
      el.style.display = 'none';
    });
    map.invalidateSize({ animate: false });
    map.fitBounds(L.latLngBounds(view.bounds), { animate: false, padding: [4, 4] });
    placeFrame(inset.querySelector('svg'), map);
    var loaded = kz.whenLoaded ? kz.whenLoaded() : Promise.resolve();
    loaded.then(function () {
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          kz.declutter(map);
          placeFrame(inset.querySelector('svg'), map);
          body.dataset.kzPrinted = '1';
        });
      });
    });
  };

  // ---- SVG -------------------------------------------------------------

  function esc(value) {
    return String(value)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;');
  }

  function visible(el) {
    var style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0;
  }

  function paint(colour) {
    return colour && colour !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(colour);
  }

  // One <text> per line of a text node: words are measured where the browser
  // laid them out and grouped by their line.
  function textLines(node, out, origin) {
    var style = getComputedStyle(node.parentElement);
    if (!visible(node.parentElement)) return;
    var words = node.textContent.split(/(\s+)/);
    var range = document.createRange();
    var at = 0;
    var line = null;
    // a stroked halo (place names) is kept: stroke painted under the fill
    function cased(value) {
      if (style.textTransform === 'uppercase') return value.toUpperCase();
      if (style.textTransform === 'lowercase') return value.toLowerCase();
      return value;
    }
    var halo = parseFloat(style.webkitTextStrokeWidth) || 0;
    var stroke = halo
      ? '" stroke="' + esc(style.webkitTextStrokeColor) + '" stroke-width="' + halo + '" paint-order="stroke'
      : '';
    function flush() {
      if (!line || !line.text.trim()) return;
      out.push(
        '<text x="' + (line.x - origin.left).toFixed(1) + '" y="' + (line.base - origin.top).toFixed(1) +
          '" font-family="' + esc(style.fontFamily) + '" font-size="' + style.fontSize +
          '" font-weight="' + style.fontWeight + '" font-style="' + style.fontStyle +
          '" fill="' + esc(style.color) + stroke + '">' + esc(cased(line.text.trim())) + '</text>'
      );
    }
    words.forEach(function (word) {
      if (!word) return;
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      at += word.length;
      if (!word.trim()) {
        if (line) line.text += ' ';
        return;
      }
      var r = range.getBoundingClientRect();
      if (r.width === 0) return;
      var base = r.bottom - r.height * 0.22;
      if (line && Math.abs(line.top - r.top) < r.height / 2) line.text += word;
      else {
        flush();
        line = { x: r.left, top: r.top, base: base, text: word };
      }
    });
    flush();
  }

  function walk(el, out, origin) {
    if (!visible(el)) return;
    var r = el.getBoundingClientRect();
    var style = getComputedStyle(el);
    if (el instanceof SVGSVGElement) {
      var copy = el.cloneNode(true);
      copy.removeAttribute('style');
      copy.setAttribute('x', (r.left - origin.left).toFixed(1));
      copy.setAttribute('y', (r.top - origin.top).toFixed(1));
      copy.setAttribute('width', r.width.toFixed(1));
      copy.setAttribute('height', r.height.toFixed(1));
      if (!copy.getAttribute('viewBox') && el.viewBox && el.viewBox.baseVal && el.viewBox.baseVal.width) {
        var v = el.viewBox.baseVal;
        copy.setAttribute('viewBox', [v.x, v.y, v.width, v.height].join(' '));
      }
      out.push(new XMLSerializer().serializeToString(copy));
      return;
    }
    var x = (r.left - origin.left).toFixed(1);
    var y = (r.top - origin.top).toFixed(1);
    if (paint(style.backgroundColor)) {
      out.push('<rect x="' + x + '" y="' + y + '" width="' + r.width.toFixed(1) + '" height="' +
        r.height.toFixed(1) + '" fill="' + esc(style.backgroundColor) + '"/>');
    }
    ['Top', 'Right', 'Bottom', 'Left'].forEach(function (side) {
      var w = parseFloat(style['border' + side + 'Width']);
      if (!w || style['border' + side + 'Style'] === 'none') return;
      var c = style['border' + side + 'Color'];
      var x1 = r.left, y1 = r.top, x2 = r.right, y2 = r.top;
      if (side === 'Right') { x1 = x2 = r.right - w / 2; y2 = r.bottom; }
      if (side === 'Bottom') { y1 = y2 = r.bottom - w / 2; x1 = r.left; x2 = r.right; }
      if (side === 'Left') { x1 = x2 = r.left + w / 2; y2 = r.bottom; }
      if (side === 'Top') { y1 = y2 = r.top + w / 2; }
      out.push('<line x1="' + (x1 - origin.left).toFixed(1) + '" y1="' + (y1 - origin.top).toFixed(1) +
        '" x2="' + (x2 - origin.left).toFixed(1) + '" y2="' + (y2 - origin.top).toFixed(1) +
        '" stroke="' + esc(c) + '" stroke-width="' + w + '"/>');
    });
    var clip = el.classList.contains('leaflet-container');
    if (clip) out.push('<g clip-path="url(#kzmap-frame-clip)">');
    el.childNodes.forEach(function (child) {
      if (child.nodeType === Node.TEXT_NODE) textLines(child, out, origin);
      else if (child.nodeType === Node.ELEMENT_NODE) walk(child, out, origin);
    });
    if (clip) out.push('</g>');
  }

  /**
   * The print sheet as one SVG document: boxes and rules as rects and lines,
   * every text line as <text>, the map's vector layers as Leaflet drew them
   * (its own SVG), clipped to the map frame.
   */
  kz.sheetToSvg = function () {
    var origin = document.body.getBoundingClientRect();
    var width = Math.ceil(document.documentElement.scrollWidth);
    var height = Math.ceil(document.documentElement.scrollHeight);
    var out = [];
    var frame = document.querySelector('.kzmap-sheet-frame');
    var f = frame.getBoundingClientRect();
    out.push('<defs><clipPath id="kzmap-frame-clip"><rect x="' + (f.left - origin.left) + '" y="' +
      (f.top - origin.top) + '" width="' + f.width + '" height="' + f.height + '"/></clipPath></defs>');
    out.push('<rect width="' + width + '" height="' + height + '" fill="#ffffff"/>');
    document.body.childNodes.forEach(function (child) {
      if (child.nodeType !== Node.ELEMENT_NODE || child.tagName === 'SCRIPT') return;
      var part = [];
      walk(child, part, origin);
      out.push(part.join(''));
    });
    var joined = out.join('\n');
    return '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" ' +
      'xmlns:xlink="http://www.w3.org/1999/xlink" width="' + width + '" height="' + height +
      '" viewBox="0 0 ' + width + ' ' + height + '">\n' + joined + '\n</svg>\n';
  };
})();
