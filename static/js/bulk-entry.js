// The bulk-entry table (เพิ่มข้อสั่งการหลายข้อ): add a row without reloading, propose the
// next ลำดับ and carry the due date down, and pick agencies from a list. The page works
// without it: "เพิ่มแถว" then asks the server for more rows.
(function () {
  var body = document.getElementById("bulk-rows");
  var template = document.getElementById("bulk-empty-row");
  var total = document.querySelector("input[name$='-TOTAL_FORMS']");
  var addButton = document.getElementById("bulk-add-row");
  if (!body || !template || !total) return;
  var NUMBER = /^\d{1,3}(\.\d{1,3}){0,3}$/;
  var MAX_ROWS = parseInt((document.querySelector("input[name$='-MAX_NUM_FORMS']") || {}).value, 10) || 150;

  function arabic(text) {
    return (text || "").replace(/[\u0E50-\u0E59]/g, function (d) {
      return String(d.charCodeAt(0) - 0x0e50);
    });
  }

  // 3 -> 4, 7.2 -> 7.3; "" when the text is not a number of ours.
  function following(number) {
    number = arabic(number).trim().replace(/\.$/, "");
    if (!NUMBER.test(number)) return "";
    var parts = number.split(".");
    parts[parts.length - 1] = String(parseInt(parts[parts.length - 1], 10) + 1);
    return parts.join(".");
  }

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr.bulk-row"));
  }

  // A row is in use once it has a heading, a text or an agency; its number and
  // due date are then the user's and are never changed for them.
  function inUse(row) {
    return ["heading", "text", "parties"].some(function (name) {
      var input = field(row, name);
      return input && input.value.trim() !== "";
    });
  }

  // Rows below ``from`` that are still unused follow its number and due date.
  function carryDown(from) {
    var all = rows();
    var previous = from;
    for (var i = all.indexOf(from) + 1; i < all.length; i++) {
      var row = all[i];
      if (inUse(row)) break;
      var number = field(row, "number");
      var due = field(row, "due_date");
      if (number.dataset.typed !== "1") number.value = following(field(previous, "number").value) || number.value;
      if (due.dataset.typed !== "1") due.value = field(previous, "due_date").value;
      previous = row;
    }
  }

  function wire(row) {
    ["number", "due_date"].forEach(function (name) {
      var input = field(row, name);
      input.addEventListener("input", function () {
        input.dataset.typed = "1";
        carryDown(row);
      });
    });
    addPicker(row);
  }

  // A box with the list of agencies and groups; choosing one adds a line to the cell.
  function addPicker(row) {
    var parties = field(row, "parties");
    if (!parties || !document.getElementById("party-names")) return;
    var picker = document.createElement("input");
    picker.type = "search";
    picker.className = "party-picker";
    picker.setAttribute("list", "party-names");
    picker.setAttribute("placeholder", "ค้นหาแล้วเลือกหน่วยงาน");
    picker.setAttribute("aria-label", "เลือกหน่วยงานจากรายการ เพิ่มลงในช่องหน่วยงานรับผิดชอบ");
    picker.autocomplete = "off";
    parties.insertAdjacentElement("afterend", picker);

    function known(value) {
      return Array.prototype.some.call(document.querySelectorAll("#party-names option"), function (option) {
        return option.value === value;
      });
    }
    function take() {
      var value = picker.value.trim();
      if (!value) return;
      addLine(parties, value);
      picker.value = "";
    }
    picker.addEventListener("input", function () {
      if (known(picker.value.trim())) take();
    });
    picker.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // Enter adds the agency typed; it does not submit the table
        take();
      }
    });
  }

  function addLine(textarea, line) {
    var lines = textarea.value.split(/\n/).map(function (l) { return l.trim(); }).filter(Boolean);
    if (lines.indexOf(line) === -1) lines.push(line);
    textarea.value = lines.join("\n");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function addRow() {
    var index = parseInt(total.value, 10) || 0;
    if (index >= MAX_ROWS) return null;
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__row__/g, String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var all = rows();
    var row = all[all.length - 1];
    var previous = all[all.length - 2];
    if (previous) {
      field(row, "number").value = following(field(previous, "number").value);
      field(row, "due_date").value = field(previous, "due_date").value;
    }
    wire(row);
    document.dispatchEvent(new CustomEvent("bulk-row-added", { detail: row }));
    return row;
  }

  rows().forEach(wire);
  if (addButton) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var row = addRow();
      if (row) field(row, "heading").focus();
    });
  }
})();
