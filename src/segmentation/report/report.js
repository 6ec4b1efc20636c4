/* The report page's script: pages as tabs, charts drawn with the inlined
   plotly.js when their page is shown, tables that sort and filter, rows
   that open profiles, customer lists written to CSV in the browser, the
   Sankey of any two dates, and the printed edition. No request leaves the
   page: everything it shows is in the file. */
(function () {
  "use strict";
  var started = performance.now();
  var REPORT = JSON.parse(document.getElementById("report-data").textContent);
  var root = document.documentElement;
  root.classList.add("js");
  Plotly.register(REPORT.plotlyLocale);
  var CONFIG = {
    displaylogo: false,
    responsive: true,
    locale: REPORT.lang,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };
  var PRINT_WIDTH = 700;  // CSS px of an A4 page between its margins
  var SANKEY_PAD = 14;  // px between two nodes of a column
  var SANKEY_MARGIN = { l: 10, r: 10, t: 10, b: 10 };
  var numberFormat = new Intl.NumberFormat(REPORT.localeTag);
  var pages = Array.prototype.slice.call(document.querySelectorAll(".page"));
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".tab"));
  var variantShown = {};
  var pending = [];

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function all(selector, scope) {
    return Array.prototype.slice.call((scope || document).querySelectorAll(selector));
  }

  // --- charts -------------------------------------------------------------

  function figureOf(id) {
    if (id === "chart-sankey") { return sankeyFigure(); }
    var spec = REPORT.charts[id];
    if (spec.variants && spec.variants.length) {
      return spec.variants[variantShown[id] || 0][1];
    }
    return spec.figure;
  }

  function draw(div, width) {
    var id = div.getAttribute("data-chart");
    var figure = figureOf(id);
    var layout = Object.assign({}, figure.layout);
    if (width) { layout.width = width; }
    var done = Plotly.newPlot(div, figure.data, layout, CONFIG);
    div.setAttribute("data-drawn", "true");
    div.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      var target = point && point.customdata;
      if (typeof target === "string" && document.getElementById(target)) {
        openProfile(target, true);
      }
    });
    pending.push(done);
    return done;
  }

  function visible(element) {
    return element.offsetParent !== null || element.getClientRects().length > 0;
  }

  function drawVisible(scope) {
    all(".plot[data-chart]", scope).forEach(function (div) {
      if (!div.hasAttribute("data-drawn") && visible(div)) { draw(div); }
    });
  }

  function redraw(id) {
    var div = document.querySelector('.plot[data-chart="' + id + '"]');
    if (!div || !div.hasAttribute("data-drawn")) { return; }
    var figure = figureOf(id);
    Plotly.react(div, figure.data, Object.assign({}, figure.layout), CONFIG);
  }

  all(".chart-variants button").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-for");
      variantShown[id] = Number(button.getAttribute("data-variant"));
      all('.chart-variants button[data-for="' + id + '"]').forEach(function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      redraw(id);
    });
  });

  // --- pages ----------------------------------------------------------------

  function showPage(id) {
    pages.forEach(function (page) {
      page.classList.toggle("active", page.getAttribute("data-page") === id);
    });
    tabs.forEach(function (tab) {
      if (tab.getAttribute("data-page") === id) {
        tab.setAttribute("aria-current", "page");
      } else {
        tab.removeAttribute("aria-current");
      }
    });
    var page = document.getElementById(id);
    if (page) { drawVisible(page); }
  }

  tabs.forEach(function (tab) {
    tab.addEventListener("click", function (event) {
      event.preventDefault();
      var id = tab.getAttribute("data-page");
      showPage(id);
      history.replaceState(null, "", "#" + id);
      window.scrollTo(0, 0);
    });
  });

  // --- profiles -------------------------------------------------------------

  function openProfile(anchor, scroll) {
    var profile = document.getElementById(anchor);
    if (!profile || !profile.classList.contains("profile")) { return; }
    var page = profile.closest(".page");
    showPage(page.getAttribute("data-page"));
    all(".profile.open", page).forEach(function (other) {
      if (other !== profile) { other.classList.remove("open"); }
    });
    profile.classList.add("open");
    all("tr.opens", page).forEach(function (row) {
      row.classList.toggle("selected", row.getAttribute("data-profile") === anchor);
    });
    drawVisible(profile);
    history.replaceState(null, "", "#" + anchor);
    if (scroll) {
      profile.scrollIntoView({ block: "start" });
      profile.focus({ preventScroll: true });
    }
  }

  function closeProfile(anchor) {
    var profile = document.getElementById(anchor);
    if (!profile) { return; }
    profile.classList.remove("open");
    all('tr.opens[data-profile="' + anchor + '"]').forEach(function (row) {
      row.classList.remove("selected");
      row.focus();
    });
  }

  all("tr.opens").forEach(function (row) {
    row.addEventListener("click", function () {
      openProfile(row.getAttribute("data-profile"), true);
    });
    row.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        openProfile(row.getAttribute("data-profile"), true);
      }
    });
  });
  all(".profile-close").forEach(function (button) {
    button.addEventListener("click", function () {
      closeProfile(button.getAttribute("data-close"));
    });
  });

  // --- tables ---------------------------------------------------------------

  function sortKey(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw !== null) {
      var number = Number(raw);
      return isNaN(number) ? raw : number;
    }
    return cell.textContent.trim();
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return String(a).localeCompare(String(b), REPORT.lang, { numeric: true, sensitivity: "base" });
  }

  function sortTable(table, column) {
    var header = table.tHead.rows[0].cells[column];
    var current = header.getAttribute("aria-sort");
    var numeric = header.classList.contains("num");
    var direction;
    if (current === "none") {
      direction = numeric ? "descending" : "ascending";
    } else {
      direction = current === "ascending" ? "descending" : "ascending";
    }
    var sign = direction === "ascending" ? 1 : -1;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      return { row: row, key: sortKey(row.cells[column]), index: index };
    });
    rows.sort(function (a, b) {
      return sign * compare(a.key, b.key) || a.index - b.index;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
    all("th", table.tHead).forEach(function (th) { th.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", direction);
  }

  all("table.data").forEach(function (table) {
    all("th button.sort", table).forEach(function (button) {
      button.addEventListener("click", function () {
        sortTable(table, button.parentNode.cellIndex);
      });
    });
  });

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function countRows(table) {
    var counter = document.querySelector('[data-count="' + table.id + '"]');
    if (!counter) { return; }
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var i = 0; i < rows.length; i += 1) { if (!rows[i].hidden) { shown += 1; } }
    counter.textContent = fill(REPORT.texts.rows_shown, {
      shown: numberFormat.format(shown), total: numberFormat.format(rows.length)
    });
  }

  all("input.filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    input.addEventListener("input", function () {
      var query = plain(input.value.trim());
      all("tr", table.tBodies[0]).forEach(function (row) {
        row.hidden = query !== "" && plain(row.textContent).indexOf(query) < 0;
      });
      countRows(table);
    });
    countRows(table);
  });

  // --- customer lists -------------------------------------------------------

  function csvCell(value) {
    if (value === null || value === undefined) { return ""; }
    var text = String(value);
    // A spreadsheet would run a cell that starts like a formula.
    if (typeof value === "string" && /^[=+@\t\r]/.test(text)) { text = "'" + text; }
    return /[",\r\n;]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function cellOf(table, column, row) {
    var value = table.values[column][row];
    if (value === null || value === undefined) { return null; }
    if (table.labels[column]) { return table.labels[column][value]; }
    if (table.dates.indexOf(column) >= 0) {
      return new Date(value * 86400000).toISOString().slice(0, 10);
    }
    return value;
  }

  function customerCsv(group) {
    var table = REPORT.customers;
    var split = group.indexOf(":");
    var members = table.groups[group.slice(0, split)];
    var code = members.labels.map(String).indexOf(group.slice(split + 1));
    var limit = REPORT.listLimit;
    var lines = [table.columns.join(",")];
    for (var i = 0; i < members.codes.length && lines.length <= limit; i += 1) {
      if (code >= 0 && members.codes[i] === code) {
        lines.push(table.columns.map(function (column) {
          return csvCell(cellOf(table, column, i));
        }).join(","));
      }
    }
    return { text: "\ufeff" + lines.join("\r\n") + "\r\n", rows: lines.length - 1 };
  }

  all(".download-button").forEach(function (button) {
    button.addEventListener("click", function () {
      var csv = customerCsv(button.getAttribute("data-group"));
      var blob = new Blob([csv.text], { type: "text/csv;charset=utf-8" });
      var url = URL.createObjectURL(blob);
      var link = document.createElement("a");
      link.href = url;
      link.download = button.getAttribute("data-filename");
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      button.setAttribute("data-rows", String(csv.rows));
    });
  });

  // --- the Sankey of two dates ------------------------------------------------

  var sankeyFrom = document.getElementById("sankey-from");
  var sankeyTo = document.getElementById("sankey-to");

  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function sankeyFigure() {
    var s = REPORT.sankey;
    var base = REPORT.charts["chart-sankey"].figure.layout;
    var message = document.querySelector(".sankey-message");
    var first = Number(sankeyFrom.value);
    var second = Number(sankeyTo.value);
    message.textContent = "";
    if (first >= second) {
      message.textContent = REPORT.texts.sankey_same_date;
      return { data: [], layout: base };
    }
    var flat = s.flows[first + "-" + second] || [];
    var size = s.segments.length;
    var left = new Array(size + 1).fill(0);
    var right = new Array(size + 1).fill(0);
    var i;
    for (i = 0; i < flat.length; i += 3) {
      left[flat[i]] += flat[i + 2];
      right[flat[i + 1]] += flat[i + 2];
    }
    if (flat.length === 0) {
      message.textContent = REPORT.texts.sankey_no_flows;
      return { data: [], layout: base };
    }
    var labels = [], colours = [], texts = [], xs = [], ys = [];
    var leftIndex = {}, rightIndex = {};
    var customersAll = left.reduce(function (a, b) { return a + b; }, 0);
    var count = function (totals) {
      return totals.filter(function (v) { return v > 0; }).length;
    };
    // Nodes stay in rank order, top to bottom (new and gone last): their
    // centres are placed here, as plotly would otherwise reorder them.
    var plotHeight = base.height - SANKEY_MARGIN.t - SANKEY_MARGIN.b;
    var pad = SANKEY_PAD / plotHeight;
    var scale = (1 - (Math.max(count(left), count(right)) - 1) * pad) / customersAll;
    function addNodes(totals, index, x, extraLabel, template, date) {
      var used = customersAll * scale + (count(totals) - 1) * pad;
      var y = (1 - used) / 2;
      for (var code = 0; code <= size; code += 1) {
        if (totals[code] > 0) {
          index[code] = labels.length;
          var name = code < size ? s.segments[code] : extraLabel;
          labels.push(name);
          colours.push(code < size ? s.colours[code] : "#9aa5b1");
          texts.push(fill(template, {
            name: name, customers: numberFormat.format(totals[code]), date: date
          }));
          xs.push(x);
          ys.push(y + totals[code] * scale / 2);
          y += totals[code] * scale + pad;
        }
      }
    }
    addNodes(left, leftIndex, 0.001, REPORT.texts.sankey_new,
      REPORT.texts.sankey_node_left, s.date_labels[first]);
    addNodes(right, rightIndex, 0.999, REPORT.texts.sankey_gone,
      REPORT.texts.sankey_node_right, s.date_labels[second]);
    var source = [], target = [], value = [], linkColours = [], linkTexts = [];
    for (i = 0; i < flat.length; i += 3) {
      var from = flat[i], to = flat[i + 1], customers = flat[i + 2];
      source.push(leftIndex[from]);
      target.push(rightIndex[to]);
      value.push(customers);
      linkColours.push(rgba(from < size ? s.colours[from] : "#9aa5b1", 0.35));
      linkTexts.push(fill(REPORT.texts.sankey_link, {
        source: from < size ? s.segments[from] : REPORT.texts.sankey_new,
        target: to < size ? s.segments[to] : REPORT.texts.sankey_gone,
        customers: numberFormat.format(customers),
        share: new Intl.NumberFormat(REPORT.localeTag, {
          style: "percent", maximumFractionDigits: 1
        }).format(customers / left[from])
      }));
    }
    return {
      data: [{
        type: "sankey",
        arrangement: "fixed",
        valueformat: ",d",
        node: {
          label: labels, color: colours, pad: SANKEY_PAD, thickness: 14,
          x: xs, y: ys,
          line: { width: 0 }, customdata: texts,
          hovertemplate: "%{customdata}<extra></extra>"
        },
        link: {
          source: source, target: target, value: value, color: linkColours,
          customdata: linkTexts, hovertemplate: "%{customdata}<extra></extra>"
        }
      }],
      layout: Object.assign({}, base, { margin: SANKEY_MARGIN })
    };
  }

  if (sankeyFrom && sankeyTo) {
    [sankeyFrom, sankeyTo].forEach(function (select) {
      select.addEventListener("change", function () { redraw("chart-sankey"); });
    });
  }

  // --- the printed edition ----------------------------------------------------

  // Every chart of every page drawn at the width of an A4 page; screen-only
  // charts stay undrawn. Returns when plotly has drawn them all.
  function prepareForPrint(width) {
    var wide = width || PRINT_WIDTH;
    root.classList.add("printing");
    all(".plot[data-chart]").forEach(function (div) {
      if (div.closest(".screen-only")) { return; }
      var share = div.closest(".chart-row") ? 0.48 : 1;
      var target = Math.floor(wide * share);
      if (div.hasAttribute("data-drawn")) {
        pending.push(Plotly.relayout(div, { width: target }));
      } else {
        draw(div, target);
      }
    });
    return Promise.all(pending);
  }

  // Charts drawn at the page's width are drawn again at the screen's.
  function afterPrint() {
    root.classList.remove("printing");
    all(".plot[data-drawn]").forEach(function (div) {
      Plotly.purge(div);
      div.removeAttribute("data-drawn");
    });
    var shown = document.querySelector(".page.active");
    if (shown) { drawVisible(shown); }
  }

  window.reportPrepareForPrint = prepareForPrint;
  window.addEventListener("beforeprint", function () { prepareForPrint(); });
  window.addEventListener("afterprint", afterPrint);

  // --- start ------------------------------------------------------------------

  function start() {
    var hash = decodeURIComponent(location.hash.replace(/^#/, ""));
    var target = hash ? document.getElementById(hash) : null;
    if (target && target.classList.contains("profile")) {
      openProfile(hash, true);
    } else if (target && target.classList.contains("page")) {
      showPage(hash);
    } else {
      showPage(pages[0].getAttribute("data-page"));
    }
    Promise.all(pending).then(function () {
      window.reportTimings = {
        scriptMs: performance.now() - started, readyMs: performance.now()
      };
      root.setAttribute("data-ready", "true");
    });
  }

  start();
}());
