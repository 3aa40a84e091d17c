// whyache teaching page: the case lives in the URL; every change asks the server for the report
// and the drawn map. Texts from the server are shown with textContent, never parsed as HTML;
// only the SVG that Graphviz drew on the server is inserted as markup.
(function () {
  "use strict";
  var facts = {};        // fact id -> "yes" | "no" | a number as text; unknown facts are absent
  var baseline = null;   // the case what-if compares with, when the what-if box is ticked
  var sequence = 0;      // answers to older requests are dropped
  var drawing = null;    // the map's pan, zoom and selection (map.js, shared with graph --format html)
  var lastSvg = "";

  function $(id) { return document.getElementById(id); }

  function post(path, body) {
    return fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                        body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, data: d}; }); });
  }

  function readUrl() {
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (key === "baseline") { return; }
      facts[key] = value;
    });
    var base = new URLSearchParams(window.location.search).get("baseline");
    if (base !== null) {
      baseline = {};
      new URLSearchParams(base).forEach(function (v, k) { baseline[k] = v; });
    }
  }

  function writeUrl() {
    var params = new URLSearchParams();
    Object.keys(facts).sort().forEach(function (k) { params.set(k, facts[k]); });
    if (baseline !== null) {
      var base = new URLSearchParams();
      Object.keys(baseline).sort().forEach(function (k) { base.set(k, baseline[k]); });
      params.set("baseline", base.toString());
    }
    var query = params.toString();
    window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }

  function control(fact) {
    var row = document.createElement("div");
    row.className = "fact";
    row.dataset.fact = fact.id;
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = fact.label;
    name.title = fact.question + " [" + fact.id + "]";
    row.appendChild(name);
    var states = document.createElement("span");
    states.className = "states";
    if (fact.type === "number") {
      var box = document.createElement("input");
      box.type = "number";
      box.name = fact.id;
      box.placeholder = fact.unit || "";
      box.addEventListener("change", function () { set(fact.id, box.value === "" ? null : box.value); });
      states.appendChild(box);
    } else {
      ["unknown", "yes", "no"].forEach(function (state) {
        var label = document.createElement("label");
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = fact.id;
        radio.value = state;
        radio.addEventListener("change", function () { set(fact.id, state === "unknown" ? null : state); });
        label.appendChild(radio);
        label.appendChild(document.createTextNode(state));
        states.appendChild(label);
      });
    }
    row.appendChild(states);
    return row;
  }

  function showControls() {
    document.querySelectorAll(".fact").forEach(function (row) {
      var id = row.dataset.fact;
      var value = Object.prototype.hasOwnProperty.call(facts, id) ? facts[id] : null;
      row.classList.toggle("set", value !== null);
      row.querySelectorAll("input").forEach(function (input) {
        if (input.type === "radio") { input.checked = input.value === (value === null ? "unknown" : value); }
        else { input.value = value === null ? "" : value; }
      });
    });
  }

  function set(id, value) {
    if (value === null) { delete facts[id]; } else { facts[id] = value; }
    update();
  }

  function update() {
    writeUrl();
    showControls();
    var mine = ++sequence;
    var started = performance.now();
    var body = {facts: facts};
    if (baseline !== null) { body.baseline = baseline; }
    post("/api/case", body).then(function (answer) {
      if (mine !== sequence) { return; }
      if (!answer.ok) {
        $("error").textContent = "Error: " + answer.data.error.message;
        $("error").hidden = false;
        return;
      }
      $("error").hidden = true;
      render(answer.data);
      var map = $("map");
      map.dataset.version = String(mine);
      map.dataset.updateMs = String(Math.round(performance.now() - started));
    });
  }

  function list(target, items, empty) {
    target.textContent = "";
    if (!items.length) { target.textContent = empty; return; }
    items.forEach(function (item, index) {
      if (index) { target.appendChild(document.createTextNode(", ")); }
      target.appendChild(document.createTextNode(item));
    });
  }

  // "Why aching legs?": each reported finding with the documented causes the facts support,
  // in the words the command line prints (the server phrases them; the page only lays out).
  function renderFindings(report, findings) {
    findings.forEach(function (found) {
      var box = document.createElement("div");
      box.className = "finding";
      box.dataset.finding = found.finding;
      var heading = document.createElement("h3");
      heading.textContent = found.heading;
      if (found.denied) { box.className = "finding denied"; }
      box.appendChild(heading);
      var ul = document.createElement("ul");
      found.explanations.forEach(function (e) {
        var li = document.createElement("li");
        li.className = e.level;
        li.appendChild(document.createTextNode(e.text + " (" + e.support + ") "));
        var cite = document.createElement("span");
        cite.className = "sources";
        cite.textContent = "[" + e.sources + "]";
        li.appendChild(cite);
        if (e.establish) {
          var why = document.createElement("div");
          why.className = "establish";
          // Each "-f fact" option stays on one line.
          e.establish.split(/(-f \S+)/).forEach(function (part, index) {
            if (index % 2) {
              var option = document.createElement("span");
              option.className = "option";
              option.textContent = part;
              why.appendChild(option);
            } else if (part) {
              why.appendChild(document.createTextNode(part));
            }
          });
          li.appendChild(why);
        }
        ul.appendChild(li);
      });
      box.appendChild(ul);
      if (found.notes.length) {
        var p = document.createElement("p");
        p.className = "hint";
        p.textContent = found.notes.join(" ");
        box.appendChild(p);
      }
      report.appendChild(box);
    });
  }

  function render(data) {
    var report = $("report");
    report.textContent = "";
    var urgent = {};
    // The kinds are the knowledge base's (kb.yaml), urgent ones (red flags) first.
    var findingsShown = false;
    data.kinds.forEach(function (kind) {
      urgent[kind.kind] = kind.urgent;
      // Red flags first, then what explains the reported findings, then the other kinds.
      if (!kind.urgent && !findingsShown) { renderFindings(report, data.findings); findingsShown = true; }
      var items = data.report[kind.kind] || [];
      if (!items.length) { return; }
      var heading = document.createElement("h3");
      heading.textContent = kind.title + " (" + items.length + ")";
      if (kind.urgent) { heading.className = "urgent"; }
      report.appendChild(heading);
      var ul = document.createElement("ul");
      ul.dataset.kind = kind.kind;
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "#";
        a.dataset.node = item.fact;
        a.textContent = item.label;
        if (kind.urgent) { li.className = item.raised ? "urgent" : "urgent possible"; }
        else if (item.level === "possible") { li.className = "possible"; }
        li.appendChild(a);
        if (item.level === "possible") {
          // reached only through "can lead to" links: said, never hidden, never raised unless its rule says so
          var note = document.createElement("span");
          note.className = "level";
          note.textContent = kind.urgent && !item.raised ? " (possible, not raised)" : " (possible)";
          li.appendChild(note);
        }
        ul.appendChild(li);
      });
      report.appendChild(ul);
    });
    if (!findingsShown) { renderFindings(report, data.findings); }
    if (!report.childNodes.length) { report.textContent = "No conclusions yet."; }
    var missing = $("not-concluded");
    missing.textContent = "";
    data.not_concluded.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#";
      a.dataset.node = item.fact;
      a.textContent = (urgent[item.kind] ? "!! " : "") + item.label;
      li.appendChild(a);
      missing.appendChild(li);
    });
    var legend = $("legend");
    legend.textContent = "";
    data.legend.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      legend.appendChild(li);
    });
    $("what-if-result").hidden = !data.what_if;
    if (data.what_if) {
      list($("gained"), data.what_if.gained, "nothing");
      list($("lost"), data.what_if.lost, "nothing");
      list($("changed"), data.what_if.changed || [], "nothing");
    }
    drawMap(data.svg);
  }

  function drawMap(svgText) {
    var map = $("map");
    lastSvg = svgText;
    if (!svgText) { map.innerHTML = '<p class="hint">Set a fact to see what follows from it.</p>'; return; }
    var doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    var svg = document.importNode(doc.documentElement, true);
    svg.querySelectorAll("script, foreignObject").forEach(function (n) { n.remove(); });
    map.textContent = "";
    map.appendChild(svg);
    drawing.attach(svg);
  }

  function explain(node) {
    post("/api/explain", {facts: facts, node: node}).then(function (answer) {
      if (!answer.ok) {
        $("explain-title").textContent = "Error";
        $("explain-text").textContent = answer.data.error.message;
        return;
      }
      $("explain-title").textContent = answer.data.title;
      $("explain-text").textContent = answer.data.text;
      $("explain-title").scrollIntoView();
      drawing.select(node);
    });
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], {type: type}));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function caseFile() {
    var out = {};
    Object.keys(facts).sort().forEach(function (k) {
      var v = facts[k];
      out[k] = v === "yes" ? true : v === "no" ? false : Number(v);
    });
    return JSON.stringify({facts: out}, null, 2) + "\n";
  }

  function start(inputs) {
    $("kb-name").textContent = inputs.kb.name + " " + inputs.kb.version;
    $("disclaimer").textContent = inputs.disclaimer;
    var holder = $("categories");
    inputs.categories.forEach(function (group) {
      var details = document.createElement("details");
      details.open = true;
      var summary = document.createElement("summary");
      summary.textContent = group.category + " (" + group.facts.length + ")";
      details.appendChild(summary);
      group.facts.forEach(function (fact) { details.appendChild(control(fact)); });
      holder.appendChild(details);
    });
    $("what-if").checked = baseline !== null;
    $("what-if").addEventListener("change", function () {
      baseline = $("what-if").checked ? JSON.parse(JSON.stringify(facts)) : null;
      update();
    });
    $("reset").addEventListener("click", function () { facts = {}; update(); });
    $("download-case").addEventListener("click", function () {
      download("case.json", "application/json", caseFile());
    });
    $("download-map").addEventListener("click", function () {
      download("whyache-map.svg", "image/svg+xml", lastSvg);
    });
    $("zoom-in").addEventListener("click", function () { drawing.centred(0.8); });
    $("zoom-out").addEventListener("click", function () { drawing.centred(1.25); });
    document.addEventListener("click", function (e) {
      var a = e.target.closest("[data-node]");
      if (a) { e.preventDefault(); explain(a.dataset.node); }
    });
    update();
  }

  drawing = window.whyacheMap($("map"), explain);
  readUrl();
  fetch("/api/inputs").then(function (r) { return r.json(); }).then(start);
})();
