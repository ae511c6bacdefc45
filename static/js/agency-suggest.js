// Agencies of similar past directives as one-click chips, fetched as the text is typed.
// On the directive form a chip ticks the agency in the checklist; in the bulk table it
// adds the agency's name to the row's agency cell. Without JavaScript nothing is lost:
// the checklist and the cells are there to fill by hand.
(function () {
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  var url = form.getAttribute("data-suggest-url");
  var DELAY = 400;
  var MAX_TEXT = 1000;

  function watch(sources, box, chosen, toggle) {
    var timer = null;
    var asked = "";
    function ask() {
      var text = sources.map(function (s) { return s.value; }).join(" ").trim().slice(0, MAX_TEXT);
      if (text.length < 4 || text === asked) return;
      asked = text;
      fetch(url + "?text=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (asked === text) show(box, data.suggestions || [], chosen, toggle); })
        .catch(function () {});
    }
    sources.forEach(function (source) {
      source.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(ask, DELAY);
      });
    });
    ask(); // a form shown again after an error already has its text
  }

  function show(box, suggestions, chosen, toggle) {
    box.textContent = "";
    if (!suggestions.length) {
      box.hidden = true;
      return;
    }
    var title = document.createElement("span");
    title.className = "suggest-title";
    title.textContent = "หน่วยงานที่เคยรับผิดชอบเรื่องคล้ายกัน (กดเพื่อเลือก):";
    box.appendChild(title);
    suggestions.forEach(function (s) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = s.short_name || s.name;
      chip.title = s.name;
      chip.setAttribute("aria-pressed", chosen(s) ? "true" : "false");
      chip.addEventListener("click", function () {
        chip.setAttribute("aria-pressed", toggle(s) ? "true" : "false");
      });
      box.appendChild(chip);
    });
    box.hidden = false;
  }

  // The single directive form: heading and text; the agency checklist.
  var fieldset = form.querySelector(".field-parties fieldset");
  if (fieldset) {
    var box = document.createElement("div");
    box.className = "suggest-box";
    box.hidden = true;
    box.setAttribute("aria-live", "polite");
    fieldset.insertBefore(box, fieldset.querySelector(".choices"));
    var sources = ["heading", "text"].map(function (n) { return form.querySelector("[name='" + n + "']"); }).filter(Boolean);
    var checkbox = function (s) { return fieldset.querySelector("input[type=checkbox][value='" + s.value + "']"); };
    watch(
      sources,
      box,
      function (s) { var c = checkbox(s); return !!(c && c.checked); },
      function (s) {
        var c = checkbox(s);
        if (!c) return false;
        c.checked = !c.checked;
        c.dispatchEvent(new Event("change", { bubbles: true }));
        return c.checked;
      }
    );
  }

  // The bulk table: each row's heading and text; the row's agency cell.
  function lines(textarea) {
    return textarea.value.split(/[\n,]/).map(function (l) { return l.trim(); }).filter(Boolean);
  }
  function wireRow(row) {
    var parties = row.querySelector("textarea[name$='-parties']");
    var rowBox = row.querySelector(".suggest-box");
    if (!parties || !rowBox) return;
    rowBox.setAttribute("aria-live", "polite");
    var rowSources = ["heading", "text"].map(function (n) { return row.querySelector("[name$='-" + n + "']"); }).filter(Boolean);
    watch(
      rowSources,
      rowBox,
      function (s) { return lines(parties).indexOf(s.name) !== -1; },
      function (s) {
        var current = lines(parties);
        var at = current.indexOf(s.name);
        if (at === -1) current.push(s.name);
        else current.splice(at, 1);
        parties.value = current.join("\n");
        parties.dispatchEvent(new Event("input", { bubbles: true }));
        return at === -1;
      }
    );
  }
  Array.prototype.forEach.call(form.querySelectorAll("tr.bulk-row"), wireRow);
  document.addEventListener("bulk-row-added", function (event) { wireRow(event.detail); });
})();
