/* Autocomplete with chips (ARIA 1.2 combobox, list autocomplete) over a field that works without it.

   - <select multiple data-chips>: options of the page, searched as one types; the select stays
     the field submitted (hidden), its options selected or not.
   - <input data-chips data-chips-source="/api/…">: suggestions from a JSON API ({results: […]}),
     the input (hidden) keeps « Label (code), Label (code) », which the server also reads.
   Texts come from data attributes (translated by the server); no inline style: CSP-safe. */
(function () {
  "use strict";

  var counter = 0;

  function fold(text) {
    return (text || "").toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^0-9a-z]+/g, " ").trim();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  /* Items typed back as « Label (code) »; a code alone keeps the code as its label. */
  function parseText(text) {
    return (text || "").split(/[,;\n]+/).map(function (part) { return part.trim(); })
      .filter(Boolean).map(function (part) {
        var match = /^(.*?)\s*\(([^()]+)\)$/.exec(part);
        return match ? { value: match[2], label: match[1] } : { value: part, label: part };
      });
  }

  function Chips(field) {
    var data = field.dataset;
    var self = this;
    var id = field.id || "chips-" + (++counter);
    this.field = field;
    this.remote = !!data.chipsSource;
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.request = 0;

    this.root = element("div", "chips");
    this.list = element("ul", "chips-list");
    this.list.setAttribute("aria-label", data.chipsChosen);
    this.input = element("input", "chips-input");
    this.input.type = "text";
    this.input.id = id + "-combobox";
    this.input.autocomplete = "off";
    this.input.placeholder = data.chipsPlaceholder;
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", id + "-listbox");
    this.listbox = element("ul", "chips-listbox");
    this.listbox.id = id + "-listbox";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.hidden = true;
    this.status = element("div", "visually-hidden");
    this.status.setAttribute("role", "status");
    var hint = element("span", "visually-hidden", data.chipsHint);
    hint.id = id + "-hint";
    var described = [field.getAttribute("aria-describedby"), hint.id].filter(Boolean).join(" ");
    this.input.setAttribute("aria-describedby", described);
    if (field.getAttribute("aria-invalid")) { this.input.setAttribute("aria-invalid", "true"); }
    if (field.required) {
      // A hidden required field would block the browser's submit with no place to show why.
      field.required = false;
      this.input.setAttribute("aria-required", "true");
    }

    var label = document.querySelector("label[for='" + field.id + "']");
    if (label) {
      label.htmlFor = this.input.id;
      this.listbox.setAttribute("aria-label", label.textContent.replace(/\s*:\s*$/, ""));
    }

    var box = element("div", "chips-box");
    box.appendChild(this.list);
    box.appendChild(this.input);
    this.root.appendChild(box);
    this.root.appendChild(this.listbox);
    this.root.appendChild(hint);
    this.root.appendChild(this.status);
    field.hidden = true;
    field.parentNode.insertBefore(this.root, field.nextSibling);

    box.addEventListener("click", function (event) {
      if (event.target === box) { self.input.focus(); }
    });
    this.input.addEventListener("input", function () { self.search(); });
    this.input.addEventListener("keydown", function (event) { self.key(event); });
    this.input.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 150);
    });
    this.listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { self.choose(Number(option.dataset.index)); }
    });
    this.render();
  }

  /* The chosen items, read from the field itself (it stays the one source of truth). */
  Chips.prototype.chosen = function () {
    if (this.remote) { return parseText(this.field.value); }
    return Array.prototype.filter.call(this.field.options, function (option) {
      return option.selected;
    }).map(function (option) { return { value: option.value, label: option.textContent.trim() }; });
  };

  Chips.prototype.setChosen = function (items) {
    if (this.remote) {
      this.field.value = items.map(function (item) {
        return item.label + " (" + item.value + ")";
      }).join(", ");
    } else {
      var values = items.map(function (item) { return item.value; });
      Array.prototype.forEach.call(this.field.options, function (option) {
        option.selected = values.indexOf(option.value) !== -1;
      });
    }
    this.field.dispatchEvent(new Event("change", { bubbles: true }));
    this.render();
  };

  Chips.prototype.render = function () {
    var self = this;
    this.list.textContent = "";
    this.chosen().forEach(function (item) {
      var chip = element("li", "chip");
      chip.appendChild(element("span", "", item.label));
      var remove = element("button", "chip-remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", self.field.dataset.chipsRemove.replace("%s", item.label));
      remove.addEventListener("click", function () { self.remove(item.value); });
      chip.appendChild(remove);
      self.list.appendChild(chip);
    });
    this.list.hidden = !this.list.children.length;
  };

  Chips.prototype.remove = function (value) {
    var items = this.chosen();
    var removed = items.filter(function (item) { return item.value === value; })[0];
    this.setChosen(items.filter(function (item) { return item.value !== value; }));
    if (removed) { this.announce(this.field.dataset.chipsRemoved, removed.label); }
    this.input.focus();
  };

  Chips.prototype.announce = function (template, label) {
    this.status.textContent = (template || "%s").replace("%s", label);
  };

  Chips.prototype.search = function () {
    var self = this;
    var query = this.input.value;
    if (!this.remote) {
      this.show(this.localMatches(query));
      return;
    }
    window.clearTimeout(this.timer);
    if (query.trim().length < 2) { this.close(); return; }
    this.timer = window.setTimeout(function () { self.fetch(query); }, 200);
  };

  /* Options holding every typed word (in their name or their group's), best first: the name
     starts with the query, then a word of the name does, then the name holds it, then the group. */
  Chips.prototype.localMatches = function (query) {
    var folded = fold(query);
    var words = folded.split(" ").filter(Boolean);
    var chosen = this.chosen().map(function (item) { return item.value; });
    var matches = [];
    Array.prototype.forEach.call(this.field.options, function (option, position) {
      var group = option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
      var name = fold(option.textContent);
      var haystack = name + " " + fold(group);
      if (!option.value || chosen.indexOf(option.value) !== -1 || !words.every(function (word) {
        return haystack.indexOf(word) !== -1;
      })) { return; }
      var rank = name.indexOf(folded) === 0 ? 0 : (" " + name).indexOf(" " + folded) !== -1 ? 1
        : name.indexOf(folded) !== -1 ? 2 : 3;
      matches.push({
        value: option.value, label: option.textContent.trim(), detail: group,
        rank: rank, position: position
      });
    });
    matches.sort(function (a, b) { return a.rank - b.rank || a.position - b.position; });
    return matches.slice(0, 50);
  };

  Chips.prototype.fetch = function (query) {
    var self = this;
    var data = this.field.dataset;
    var number = ++this.request;
    var url = data.chipsSource + "?q=" + encodeURIComponent(query.trim()) + "&limit=10";
    window.fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (body) {
        if (number !== self.request) { return; }
        var chosen = self.chosen().map(function (item) { return item.value; });
        self.show((body.results || []).map(function (result) {
          return {
            value: String(result[data.chipsValue]),
            label: result[data.chipsLabel],
            detail: data.chipsDetail ? result[data.chipsDetail] : ""
          };
        }).filter(function (item) { return chosen.indexOf(item.value) === -1; }));
      })
      .catch(function () { self.close(); });
  };

  Chips.prototype.show = function (matches) {
    var self = this;
    this.options = matches;
    this.active = -1;
    this.listbox.textContent = "";
    this.input.removeAttribute("aria-activedescendant");
    if (!matches.length && !this.input.value.trim()) { this.close(); return; }
    if (!matches.length) {
      var none = element("li", "chips-none", this.field.dataset.chipsNone);
      none.setAttribute("aria-disabled", "true");
      this.listbox.appendChild(none);
    }
    matches.forEach(function (match, index) {
      var option = element("li", "chips-option", match.label);
      option.id = self.listbox.id + "-" + index;
      option.dataset.index = String(index);
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      if (match.detail) { option.appendChild(element("span", "chips-detail", match.detail)); }
      self.listbox.appendChild(option);
    });
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Chips.prototype.close = function () {
    this.listbox.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Chips.prototype.highlight = function (index) {
    var options = this.listbox.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    this.active = (index + options.length) % options.length;
    Array.prototype.forEach.call(options, function (option, position) {
      option.setAttribute("aria-selected", position === this.active ? "true" : "false");
    }, this);
    var current = options[this.active];
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  Chips.prototype.choose = function (index) {
    var item = this.options[index];
    if (!item) { return; }
    var items = this.chosen();
    if (this.remote) {
      items.push(item);
    } else {
      items.push({ value: item.value, label: item.label });
    }
    this.setChosen(items);
    this.announce(this.field.dataset.chipsAdded, item.label);
    this.input.value = "";
    this.close();
    this.input.focus();
  };

  Chips.prototype.key = function (event) {
    var open = !this.listbox.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { this.search(); }
      this.highlight(this.active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      this.highlight(this.active - 1);
    } else if (event.key === "Enter" && open) {
      // Enter picks the highlighted suggestion, or the only one; it never submits mid-search.
      event.preventDefault();
      this.choose(this.active >= 0 ? this.active : (this.options.length === 1 ? 0 : -1));
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    } else if (event.key === "Backspace" && !this.input.value) {
      var items = this.chosen();
      if (items.length) { this.remove(items[items.length - 1].value); }
    }
  };

  function init(root) {
    (root || document).querySelectorAll("[data-chips]").forEach(function (field) {
      if (field.dataset.chipsReady) { return; }
      field.dataset.chipsReady = "1";
      new Chips(field);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
