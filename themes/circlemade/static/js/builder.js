/* The profile builder: a member fills in their profile in the browser and downloads
   <slug>.zip, holding <slug>/member.yaml, fr.md, nl.md and the logo, which passes
   `circlemade check` once unpacked into members/. Nothing leaves the browser by itself.

   The form is generated from the member JSON Schema the site publishes
   (/schemas/member.schema.json): every control's name is the field's path in member.yaml
   (name, tagline.fr, contact.email, offers.0.title.nl...). Labels, vocabularies, communes
   and the messages of `check` come from /data/profile-builder.<lang>.json, so the
   browser says what the pull request's check would say, where the rule can run here.
   With ?member=<slug>, the form is filled from the site's open data; what the site does
   not publish (maintainers, descriptions, the original logo, and what the member withholds:
   the open data's `withheld`) is marked, not dropped silently. `reviewed` is not a field:
   the downloaded member.yaml says the profile was reviewed on the day of the download. */
(function () {
  "use strict";
  var form = document.getElementById("builder");
  if (!form || !window.fetch || !window.Blob || !window.TextEncoder || !window.URLSearchParams) {
    return;
  }
  var fields = document.getElementById("builder-fields");
  var problemsBox = document.getElementById("builder-problems");
  var ready = document.getElementById("builder-ready");
  var schema = null;
  var data = null;
  var logoFile = null;
  var LOGO_TYPES = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/svg+xml": "svg" };
  var MAX_BYTES = 5 * 1024 * 1024;
  var MAX_PIXELS = 25000000;
  var VOCABULARY = {
    "kind": "kind", "activities": "activities", "sectors": "sectors",
    "offers.audiences": "audiences", "offers.activities": "activities",
    "offers.certifications": "certifications",
    "needs.type": "need_types", "needs.materials": "materials", "needs.activities": "activities",
    "flows.direction": "directions", "flows.material": "materials"
  };

  // -- the schema ----------------------------------------------------------------------

  function resolve(node) {
    var found = node;
    for (;;) {
      if (found.$ref) {
        var target = schema.$defs[found.$ref.split("/").pop()];
        found = Object.assign({}, target, { description: found.description || target.description });
      } else if (found.oneOf) {       // one text, or one per language (a street): edited per language
        var perLanguage = found.oneOf.filter(function (n) { return n.patternProperties; })[0];
        if (!perLanguage) { return found; }
        found = Object.assign({}, perLanguage, { shared: true, optional: found.optional,
          description: found.description, examples: found.examples });
      } else if (found.anyOf) {
        var real = found.anyOf.filter(function (n) { return n.type !== "null"; });
        if (real.length !== 1) { return found; }
        found = Object.assign({}, real[0], { optional: true, examples: found.examples || real[0].examples });
      } else {
        return found;
      }
    }
  }

  function pathKey(path) {        // offers.0.title -> offers.title: where labels are found
    return path.filter(function (p) { return typeof p !== "number"; }).join(".");
  }

  function dotted(path) {         // offers.0.title -> offers[0].title, as check prints it
    return path.reduce(function (text, p) {
      return typeof p === "number" ? text + "[" + p + "]" : (text ? text + "." + p : p);
    }, "");
  }

  function controlName(path) { return path.join("."); }
  function controlId(path) { return "f-" + path.join("-"); }
  function ui(key) { return data.ui[key] || key; }

  function label(path, node) {
    return data.labels[pathKey(path)] || node.title || String(path[path.length - 1]);
  }

  function vocabulary(path) {
    var key = VOCABULARY[pathKey(path)];
    return key ? data.vocabularies[key] : null;
  }

  function optionLabel(path, value) {
    if (pathKey(path) === "hidden") { return data.labels[value] || value; }   // a field's label
    var words = vocabulary(path);
    if (words && words[value]) { return words[value]; }
    return ui("value." + value) !== "value." + value ? ui("value." + value) : value;
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (attributes[key] !== null && attributes[key] !== undefined) { node.setAttribute(key, attributes[key]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // -- the form, generated from the schema ---------------------------------------------

  function helpFor(path) {          // builder.help.<field> in the theme's catalogues
    var text = data.ui["help." + pathKey(path)];
    return text ? el("p", { "class": "field-help" }, [text]) : null;
  }

  function field(path, node, required) {
    var made = makeField(path, node, required);
    var help = helpFor(path);
    if (help) {                     // before the field's own error, else under its legend
      var error = Array.prototype.filter.call(made.children, function (c) { return c.classList.contains("field-error"); })[0];
      made.insertBefore(help, error || (made.firstChild ? made.firstChild.nextSibling : null));
    }
    return made;
  }

  function makeField(path, node, required) {
    node = resolve(node);
    var name = controlName(path);
    var id = controlId(path);
    var text = label(path, node) + (required ? " *" : "");
    if (path.length === 1 && path[0] === "logo") {
      var input = el("input", { type: "file", id: id, name: "logo", accept: "image/png,image/jpeg,image/webp,image/svg+xml" });
      input.addEventListener("change", checkLogo);
      return el("div", { "class": "field" }, [el("label", { "for": id }, [text]), input,
        el("p", { "class": "field-help" }, [ui("logo_help")]), el("p", { "class": "field-error", id: id + "-error" })]);
    }
    if (node.patternProperties) {                    // a text per language
      var long = !node.shared && (node.patternProperties[Object.keys(node.patternProperties)[0]].maxLength || 0) > 160;
      return el("fieldset", { "class": "field field-languages", "data-path": name }, [el("legend", {}, [text])].concat(
        data.languages.map(function (lang) {
          var sub = path.concat([lang]);
          var control = el(long ? "textarea" : "input", { id: controlId(sub), name: controlName(sub), lang: lang, rows: long ? "3" : null, type: long ? null : "text" });
          return el("div", { "class": "field-language" }, [el("label", { "for": controlId(sub) }, [lang.toUpperCase()]), control]);
        })).concat([el("p", { "class": "field-error", id: id + "-error" })]));
    }
    if (node.type === "object" && node.properties) {
      var needed = node.required || [];
      return el("fieldset", { "class": "field-group", "data-path": name }, [el("legend", {}, [text])].concat(
        Object.keys(node.properties).map(function (key) {
          return field(path.concat([key]), node.properties[key], needed.indexOf(key) >= 0);
        })));
    }
    if (node.type === "array") {
      var items = resolve(node.items);
      if (items.enum) {                               // several keys of a vocabulary
        return el("fieldset", { "class": "field field-choices", "data-path": name }, [el("legend", {}, [text])].concat(
          items.enum.map(function (value) {
            var sub = id + "-" + value;
            return el("label", { "class": "check", "for": sub }, [el("input", { type: "checkbox", id: sub, name: name, value: value }), " " + optionLabel(path, value)]);
          })).concat([el("p", { "class": "field-error", id: id + "-error" })]));
      }
      if (items.type === "object") {                  // offers, needs, flows
        var list = el("div", { "class": "repeat-items" });
        var add = el("button", { type: "button", "class": "button button-small" }, [ui("add") + " : " + label(path, node)]);
        var group = el("fieldset", { "class": "field-repeat", "data-path": name }, [el("legend", {}, [text]), list, add]);
        add.addEventListener("click", function () { addItem(group, path, items); });
        return group;
      }
      return textField(path, node, id, name, text, "text");      // logins, comma-separated
    }
    if (node.type === "boolean") {
      return el("div", { "class": "field" }, [el("label", { "class": "check", "for": id }, [
        el("input", { type: "checkbox", id: id, name: name, value: "true" }), " " + text]),
        el("p", { "class": "field-error", id: id + "-error" })]);
    }
    if (node.enum) {
      return el("div", { "class": "field" }, [el("label", { "for": id }, [text]),
        el("select", { id: id, name: name }, [el("option", { value: "" }, ["—"])].concat(node.enum.map(function (value) {
          return el("option", { value: value }, [optionLabel(path, value)]);
        }))), el("p", { "class": "field-error", id: id + "-error" })]);
    }
    var type = node.format === "date" ? "date" : (node.type === "number" || node.type === "integer" ? "number" : "text");
    return textField(path, node, id, name, text, type);
  }

  function textField(path, node, id, name, text, type) {
    var help = path.length === 1 && path[0] === "slug" ? ui("slug_help") : null;
    return el("div", { "class": "field" }, [el("label", { "for": id }, [text]),
      el("input", { type: type, id: id, name: name, step: type === "number" ? "any" : null, inputmode: type === "number" ? "decimal" : null }),
      help ? el("p", { "class": "field-help" }, [help]) : null, el("p", { "class": "field-error", id: id + "-error" })].filter(Boolean));
  }

  function addItem(group, path, items) {
    var list = group.querySelector(".repeat-items");
    var index = list.children.length;
    var itemPath = path.concat([index]);
    var needed = items.required || [];
    var remove = el("button", { type: "button", "class": "button button-small" }, [ui("remove")]);
    var item = el("fieldset", { "class": "repeat-item", "data-index": String(index) }, [el("legend", {}, [label(path, items) + " " + (index + 1)])].concat(
      Object.keys(items.properties).map(function (key) {
        return field(itemPath.concat([key]), items.properties[key], needed.indexOf(key) >= 0);
      })).concat([remove]));
    remove.addEventListener("click", function () { list.removeChild(item); renumber(list, path); });
    list.appendChild(item);
    return item;
  }

  function renumber(list, path) {
    Array.prototype.forEach.call(list.children, function (item, index) {
      var old = item.getAttribute("data-index");
      if (old === String(index)) { return; }
      var from = controlName(path.concat([Number(old)])) + ".";
      var to = controlName(path.concat([index])) + ".";
      item.setAttribute("data-index", String(index));
      item.querySelector("legend").textContent = item.querySelector("legend").textContent.replace(/\d+$/, String(index + 1));
      Array.prototype.forEach.call(item.querySelectorAll("[name],[id],[for],[data-path]"), function (node) {
        ["name", "data-path"].forEach(function (a) {
          var v = node.getAttribute(a);
          if (v && v.indexOf(from) === 0) { node.setAttribute(a, to + v.slice(from.length)); }
        });
        ["id", "for"].forEach(function (a) {
          var v = node.getAttribute(a);
          var fromId = "f-" + from.replace(/\./g, "-");
          if (v && v.indexOf(fromId) === 0) { node.setAttribute(a, "f-" + to.replace(/\./g, "-") + v.slice(fromId.length)); }
        });
      });
    });
  }

  function build() {
    var top = resolve(schema);
    var needed = top.required || [];
    fields.appendChild(field(["slug"], { type: "string", pattern: data.messages.slug_pattern, maxLength: 80, minLength: 1 }, true));
    Object.keys(top.properties).forEach(function (key) {
      if (key === "reviewed") { return; }         // the day of the download (see profile())
      fields.appendChild(field([key], top.properties[key], needed.indexOf(key) >= 0));
    });
    fields.appendChild(field(["description"], { title: ui("description"), patternProperties: { "^x$": { maxLength: 100000 } } }, false));
    var postal = form.elements["address.postal_code"];
    var town = form.elements["address.municipality"];
    if (postal && town && town.tagName === "INPUT") {         // a commune that goes with the postal code
      var select = el("select", { id: town.id, name: town.name });
      town.parentNode.replaceChild(select, town);
      var fill = function () {
        var chosen = select.value;
        select.textContent = "";
        (data.communes[postal.value.trim()] || []).forEach(function (c) {
          var name = c.names[data.lang] || c.names[data.default_language];
          select.appendChild(el("option", { value: name }, [name]));
        });
        if (chosen) { select.value = chosen; }
      };
      postal.addEventListener("input", fill);
      fill();
    }
    var since = form.elements.member_since;
    if (since && !since.value) { since.value = new Date().toISOString().slice(0, 10); }
  }

  // -- reading the form ----------------------------------------------------------------

  function valueOf(path, node) {
    node = resolve(node);
    var name = controlName(path);
    if (node.patternProperties) {
      var texts = {};
      data.languages.forEach(function (lang) {
        var control = form.elements[controlName(path.concat([lang]))];
        if (control && control.value.trim()) { texts[lang] = control.value.trim(); }
      });
      var given = Object.keys(texts).map(function (lang) { return texts[lang]; });
      if (node.shared && given.length && given.every(function (t) { return t === given[0]; })) {
        return given[0];            // the same in every language: written once
      }
      return given.length ? texts : null;
    }
    if (node.type === "object" && node.properties) {
      var found = {};
      Object.keys(node.properties).forEach(function (key) {
        var v = valueOf(path.concat([key]), node.properties[key]);
        if (v !== null) { found[key] = v; }
      });
      return Object.keys(found).length ? found : null;
    }
    if (node.type === "array") {
      var items = resolve(node.items);
      if (items.enum) {             // in the order the profile had them, then the page's
        var order = ordered[name] || [];
        var rank = function (v) { var i = order.indexOf(v); return i < 0 ? order.length : i; };
        return Array.prototype.filter.call(form.querySelectorAll('input[type=checkbox][name="' + name + '"]'),
          function (box) { return box.checked; }).map(function (box) { return box.value; })
          .map(function (v, i) { return [rank(v), i, v]; }).sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
          .map(function (x) { return x[2]; });
      }
      if (items.type === "object") {
        var group = form.querySelector('.field-repeat[data-path="' + name + '"] .repeat-items');
        return Array.prototype.map.call(group ? group.children : [], function (item, index) {
          return valueOf(path.concat([index]), items) || {};
        });
      }
      var control = form.elements[name];
      var words = control ? control.value.split(",").map(function (w) { return w.trim(); }).filter(Boolean) : [];
      return words;
    }
    var input = form.elements[name];
    if (node.type === "boolean") { return input && input.checked ? true : null; }
    if (!input || !input.value.trim()) { return null; }
    return node.type === "number" || node.type === "integer" ? Number(input.value) : input.value.trim();
  }

  function profile() {
    var top = resolve(schema);
    var found = {};
    Object.keys(top.properties).forEach(function (key) {
      if (key === "logo") { return; }
      var v = valueOf([key], top.properties[key]);
      if (v !== null && !(Array.isArray(v) && !v.length && (top.required || []).indexOf(key) < 0)) { found[key] = v; }
    });
    if (logoFile) { found.logo = "logo." + logoExtension(logoFile); }
    if (top.properties.reviewed) { found.reviewed = today(); }
    return found;
  }

  function today() {              // the member's own day, not UTC's
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  // -- checks, with check's own messages -----------------------------------------------

  function repr(value) {          // Python's repr of a string, as check prints it
    var quote = value.indexOf("'") >= 0 && value.indexOf('"') < 0 ? '"' : "'";
    return quote + value.replace(/\\/g, "\\\\").split(quote).join("\\" + quote) + quote;
  }

  function fill(template, values) {   // str.format: {name}, {name!r}, {{ and }} for braces
    return template.replace(/\{\{|\}\}|\{(\w+)(!r)?\}/g, function (whole, key, asRepr) {
      if (!key) { return whole.charAt(0); }
      return asRepr ? repr(String(values[key])) : String(values[key]);
    });
  }

  function inline(value) {        // diagnose.yaml_inline: the example in a hint
    if (Array.isArray(value)) { return "[" + value.map(inline).join(", ") + "]"; }
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).map(function (k) { return k + ": " + inline(value[k]); }).join(", ") + "}";
    }
    return String(value);
  }

  function checkValue(path, node, value, required, found) {
    node = resolve(node);
    var m = data.messages;
    var at = dotted(path);
    var key = path[path.length - 1];
    var hint = node.examples && node.examples.length && typeof key !== "number" ? fill(data.messages.example_hint, { key: key, value: inline(node.examples[0]) }) : null;
    if (value === null || value === undefined || (Array.isArray(value) && !value.length && required && !(node.minItems))) {
      if (required) { found.push([path, at + ": " + m.required + (hint ? " (" + hint + ")" : "")]); }
      return;
    }
    if (node.patternProperties && node.shared && typeof value === "string") {
      checkValue(path, Object.assign({}, node.patternProperties[Object.keys(node.patternProperties)[0]],
        { examples: node.examples }), value, required, found);
      return;
    }
    if (node.patternProperties) {
      if (!value[data.default_language]) {
        found.push([path, at + ": " + fill(m.missing_language, { lang: data.default_language }) + " (" +
          fill(m.missing_language_hint, { field: key, lang: data.default_language }) + ")"]);
      }
      var inner = node.patternProperties[Object.keys(node.patternProperties)[0]];
      Object.keys(value).forEach(function (lang) { checkValue(path.concat([lang]), inner, value[lang], false, found); });
      return;
    }
    if (node.type === "object" && node.properties) {
      Object.keys(node.properties).forEach(function (k) {
        checkValue(path.concat([k]), node.properties[k], value[k], (node.required || []).indexOf(k) >= 0, found);
      });
      return;
    }
    if (node.type === "array") {
      if (node.minItems && value.length < node.minItems) {
        found.push([path, at + ": " + fill(m.too_short, { min_length: node.minItems }) + (hint ? " (" + hint + ")" : "")]);
      }
      var items = resolve(node.items);
      value.forEach(function (v, i) { checkValue(path.concat([i]), items, v, true, found); });
      return;
    }
    if (typeof value === "string") {
      if (node.minLength && value.length < node.minLength) {
        found.push([path, at + ": " + m.empty + (hint ? " (" + hint + ")" : "")]);
        return;
      }
      if (node.maxLength && value.length > node.maxLength) {
        found.push([path, at + ": " + fill(m.too_long, { length: value.length, max_length: node.maxLength }) + (hint ? " (" + hint + ")" : "")]);
        return;
      }
      if (node.pattern && !new RegExp(node.pattern).test(value)) {
        var expected = node.pattern === m.slug_pattern ? null : m.pattern_names[node.pattern];
        var text = node.pattern === m.slug_pattern ? fill(m.not_a_slug, { value: value })
          : fill(expected ? m.pattern : m.not_in_form, { value: value, expected: expected });
        found.push([path, at + ": " + text + (hint ? " (" + hint + ")" : "")]);
        return;
      }
      if (at === "address.postal_code" && !data.communes[value]) {
        found.push([path, at + ": " + fill(m.not_a_postal_code, { value: value }) + " (" + m.not_a_postal_code_hint + ")"]);
      }
    }
  }

  function problems() {
    var found = [];
    var top = resolve(schema);
    var p = profile();
    checkValue(["slug"], { type: "string", pattern: data.messages.slug_pattern, minLength: 1, maxLength: 80 }, valueOf(["slug"], { type: "string" }), true, found);
    Object.keys(top.properties).forEach(function (key) {
      if (key !== "logo") { checkValue([key], top.properties[key], p[key], (top.required || []).indexOf(key) >= 0, found); }
    });
    (p.needs || []).forEach(function (need, i) {
      if (need.type === "material" && !(need.materials || []).length) {
        found.push([["needs", i, "type"], "needs[" + i + "].type: " + data.messages.materials_needed]);
      }
    });
    if (logoError) { found.push([["logo"], "logo: " + logoError]); }
    return found;
  }

  function showProblems(found) {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (node) { node.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (node) { node.removeAttribute("aria-invalid"); });
    problemsBox.textContent = "";
    if (!found.length) { problemsBox.hidden = true; return; }
    var list = el("ul", {});
    found.forEach(function (problem) {
      var id = controlId(problem[0]);
      var target = document.getElementById(id) || document.getElementById(id + "-" + data.default_language) ||
        document.getElementById(controlId(problem[0].slice(0, -1)));
      var error = document.getElementById(id + "-error");
      if (error) { error.textContent = problem[1]; }
      if (target) { target.setAttribute("aria-invalid", "true"); }
      list.appendChild(el("li", {}, [target ? el("a", { href: "#" + target.id }, [problem[1]]) : problem[1]]));
    });
    problemsBox.appendChild(el("p", {}, [ui("problems")]));
    problemsBox.appendChild(list);
    problemsBox.hidden = false;
  }

  // -- the logo ------------------------------------------------------------------------

  var logoError = null;

  function logoExtension(file) {
    return LOGO_TYPES[file.type] || (file.name.split(".").pop() || "png").toLowerCase();
  }

  function checkLogo(event) {
    var file = event.target.files[0];
    logoFile = null;
    logoError = null;
    if (!file) { return; }
    if (!LOGO_TYPES[file.type]) { logoError = ui("logo_type"); showProblems(problems()); return; }
    if (file.size > MAX_BYTES) { logoError = ui("logo_size"); showProblems(problems()); return; }
    if (file.type === "image/svg+xml") { logoFile = file; showProblems([]); return; }
    if (!window.createImageBitmap) { logoFile = file; return; }     // the pull request checks it
    createImageBitmap(file).then(function (image) {         // decoded here, shown nowhere
      if (image.width * image.height > MAX_PIXELS) { logoError = ui("logo_pixels"); }
      else if (Math.min(image.width, image.height) < 32) { logoError = ui("logo_small"); }
      else { logoFile = file; }
      if (image.close) { image.close(); }
      showProblems(logoError ? problems() : []);
    }, function () { logoError = ui("logo_type"); showProblems(problems()); });
  }

  // -- member.yaml ---------------------------------------------------------------------

  function scalar(value) {
    if (typeof value === "number") { return String(value); }
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) { return value; }
    return JSON.stringify(value);       // a JSON string is a YAML double-quoted scalar
  }

  function yamlLines(value, indent) {
    var pad = new Array(indent + 1).join(" ");
    var lines = [];
    Object.keys(value).forEach(function (key) {
      var v = value[key];
      if (Array.isArray(v)) {
        if (!v.length || typeof v[0] !== "object") {
          lines.push(pad + key + ": [" + v.map(function (x) { return /^[a-z0-9-]+$/i.test(x) ? x : JSON.stringify(x); }).join(", ") + "]");
        } else {
          lines.push(pad + key + ":");
          v.forEach(function (item) {
            var inner = yamlLines(item, indent + 4);
            inner[0] = pad + "  - " + inner[0].slice(indent + 4);
            lines = lines.concat(inner);
          });
        }
      } else if (v && typeof v === "object") {
        lines.push(pad + key + ":");
        lines = lines.concat(yamlLines(v, indent + 2));
      } else {
        lines.push(pad + key + ": " + scalar(v));
      }
    });
    return lines;
  }

  function memberYaml(p) {
    return ["# yaml-language-server: $schema=../../schemas/member.schema.json",
      "# FR : la fiche de votre organisation, faite avec l'éditeur de profil du site ;",
      "#      vérifiez-la avec `circlemade check`. Tous les champs : docs/member-reference.md",
      "# NL : de fiche van uw organisatie, gemaakt met de profieleditor van de site;",
      "#      controleer ze met `circlemade check`. Alle velden: docs/member-reference.md",
      ""].concat(yamlLines(p, 0)).join("\n") + "\n";
  }

  // -- the ZIP (stored, with CRC-32) ---------------------------------------------------

  var CRC_TABLE = (function () {
    var table = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) { c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
      table.push(c >>> 0);
    }
    return table;
  })();

  function crc32(bytes) {
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) { crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8); }
    return (crc ^ 0xffffffff) >>> 0;
  }

  function zip(files) {
    var encoder = new TextEncoder();
    var parts = [];
    var central = [];
    var offset = 0;
    files.forEach(function (file) {
      var name = encoder.encode(file.name);
      var body = file.bytes;
      var crc = crc32(body);
      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true); local.setUint16(4, 20, true); local.setUint16(6, 0x0800, true);
      local.setUint32(14, crc, true); local.setUint32(18, body.length, true); local.setUint32(22, body.length, true);
      local.setUint16(26, name.length, true);
      parts.push(new Uint8Array(local.buffer), name, body);
      var entry = new DataView(new ArrayBuffer(46));
      entry.setUint32(0, 0x02014b50, true); entry.setUint16(4, 20, true); entry.setUint16(6, 20, true);
      entry.setUint16(8, 0x0800, true); entry.setUint32(16, crc, true); entry.setUint32(20, body.length, true);
      entry.setUint32(24, body.length, true); entry.setUint16(28, name.length, true); entry.setUint32(42, offset, true);
      central.push(new Uint8Array(entry.buffer), name);
      offset += 30 + name.length + body.length;
    });
    var size = central.reduce(function (s, part) { return s + part.length; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true); end.setUint16(8, files.length, true); end.setUint16(10, files.length, true);
    end.setUint32(12, size, true); end.setUint32(16, offset, true);
    return new Blob(parts.concat(central, [new Uint8Array(end.buffer)]), { type: "application/zip" });
  }

  function download(event) {
    event.preventDefault();
    var found = problems();
    showProblems(found);
    ready.hidden = true;
    if (found.length) {
      var first = problemsBox.querySelector("a");
      if (first) { first.focus(); }
      return;
    }
    var slug = valueOf(["slug"], { type: "string" });
    var p = profile();
    var encoder = new TextEncoder();
    var files = [{ name: slug + "/member.yaml", bytes: encoder.encode(memberYaml(p)) }];
    data.languages.forEach(function (lang) {
      var control = form.elements["description." + lang];
      if (control && control.value.trim()) {
        files.push({ name: slug + "/" + lang + ".md", bytes: encoder.encode(control.value.trim() + "\n") });
      }
    });
    var finish = function () {
      var link = el("a", { href: URL.createObjectURL(zip(files)), download: slug + ".zip" });
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
      announce(slug);
    };
    if (!logoFile) { finish(); return; }
    logoFile.arrayBuffer().then(function (buffer) {
      files.push({ name: slug + "/" + p.logo, bytes: new Uint8Array(buffer) });
      finish();
    });
  }

  function announce(slug) {
    ready.textContent = "";
    var upload = form.getAttribute("data-upload");
    var github = fill(ui("send_github"), { slug: slug });
    ready.appendChild(el("p", {}, [fill(ui("ready"), { file: slug + ".zip" })]));
    ready.appendChild(el("ul", {}, [
      el("li", {}, upload ? [github + " (", el("a", { href: upload, rel: "noopener" }, [ui("upload_link")]), ")"] : [github]),
      el("li", {}, [fill(ui("send_email"), { email: data.contact_email })]),
      el("li", {}, [ui("send_team")])]));
    ready.hidden = false;
  }

  // -- editing a published profile -----------------------------------------------------

  function setValue(name, value) {
    var control = form.elements[name];
    if (!control || value === null || value === undefined) { return; }
    if (control.type === "checkbox") { control.checked = value === true; return; }
    control.value = value;
    control.dispatchEvent(new Event("input"));
  }

  var ordered = {};         // checkbox group -> the order of a published profile's keys

  function check(name, values) {
    ordered[name] = (values || []).slice();
    (values || []).forEach(function (v) {
      var box = form.querySelector('input[type=checkbox][name="' + name + '"][value="' + v + '"]');
      if (box) { box.checked = true; }
    });
  }

  function texts(base, values) {
    Object.keys(values || {}).forEach(function (lang) { setValue(base + "." + lang, values[lang]); });
  }

  function items(base, list, fillItem) {
    var group = form.querySelector('.field-repeat[data-path="' + base + '"]');
    var items_ = resolve(resolve(schema).properties[base]).items;
    (list || []).forEach(function (item, i) { addItem(group, [base], resolve(items_)); fillItem(base + "." + i, item); });
  }

  function subItems(base, key, list, fillItem) {    // a list inside an item: offers.0.references
    var path = base.split(".").map(function (p) { return /^\d+$/.test(p) ? Number(p) : p; }).concat([key]);
    var group = form.querySelector('.field-repeat[data-path="' + controlName(path) + '"]');
    var node = resolve(schema).properties[path[0]];
    for (var i = 1; i < path.length; i++) {
      node = resolve(node);
      node = typeof path[i] === "number" ? node.items : node.properties[path[i]];
    }
    var items_ = resolve(resolve(node).items);
    (list || []).forEach(function (item, i) { addItem(group, path, items_); fillItem(controlName(path) + "." + i, item); });
  }

  function unpublished(name) {
    var control = form.elements[name] || document.getElementById(controlId(name.split("."))) ||
      form.querySelector('[data-path="' + name + '"]');
    var box = control && (control.closest ? control.closest(".field, fieldset") : null);
    if (box && !box.classList.contains("field-unpublished")) { box.classList.add("field-unpublished"); box.appendChild(el("p", { "class": "field-help field-warning" }, [ui("unpublished")])); }
  }

  function prefill(slug) {
    return fetch(form.getAttribute("data-members")).then(function (r) { return r.json(); }).then(function (open) {
      var m = open.members.filter(function (x) { return x.slug === slug; })[0];
      if (!m) { return; }
      setValue("slug", m.slug); setValue("name", m.name); setValue("kind", m.kind);
      setValue("enterprise_number", m.enterprise_number); setValue("member_since", m.member_since);
      texts("tagline", m.tagline); check("activities", m.activities); check("sectors", m.sectors);
      texts("address.street", m.address.street); setValue("address.postal_code", m.address.postal_code);
      setValue("address.municipality", m.address.commune_name[data.lang] || m.address.commune_name[data.default_language]);
      ["email", "phone", "website", "linkedin"].forEach(function (k) { setValue("contact." + k, m.contact[k]); });
      if (m.contact.person) {         // published, so public
        setValue("contact.person.name", m.contact.person.name); texts("contact.person.role", m.contact.person.role);
        setValue("contact.person.public", true);
      }
      check("hidden", m.hidden);
      items("offers", m.offers, function (base, o) {
        texts(base + ".title", o.title); texts(base + ".summary", o.summary);
        check(base + ".audiences", o.audiences); check(base + ".activities", o.activities);
        if (o.cpv && o.cpv.length) { setValue(base + ".cpv", o.cpv.join(", ")); }
        check(base + ".certifications", o.certifications); setValue(base + ".area_served", o.area_served);
        texts(base + ".minimum_order", o.minimum_order); texts(base + ".lead_time", o.lead_time);
        subItems(base, "references", o.references, function (sub, r) {
          setValue(sub + ".client", r.client); setValue(sub + ".year", r.year); setValue(sub + ".link", r.link);
        });
      });
      items("needs", m.needs, function (base, n) {
        texts(base + ".title", n.title); texts(base + ".summary", n.summary); setValue(base + ".type", n.type);
        check(base + ".materials", n.materials); check(base + ".activities", n.activities);
        setValue(base + ".since", n.since); setValue(base + ".until", n.until);
      });
      items("flows", m.flows, function (base, f) {
        setValue(base + ".direction", f.direction); setValue(base + ".material", f.material);
        setValue(base + ".waste_code", f.waste_code ? f.waste_code + (f.hazardous ? "*" : "") : null);
        if (f.quantity) {
          setValue(base + ".quantity.amount", f.quantity.amount); setValue(base + ".quantity.unit", f.quantity.unit);
          setValue(base + ".quantity.per", f.quantity.per);
        }
        texts(base + ".summary", f.summary); setValue(base + ".since", f.since); setValue(base + ".until", f.until);
      });
      ["maintainers", "logo"].concat(data.languages.map(function (l) { return "description." + l; }))
        .concat(m.withheld || []).forEach(unpublished);
    });
  }

  // -- start ---------------------------------------------------------------------------

  Promise.all([fetch(form.getAttribute("data-schema")).then(function (r) { return r.json(); }),
               fetch(form.getAttribute("data-strings")).then(function (r) { return r.json(); })])
    .then(function (loaded) {
      schema = loaded[0];
      data = loaded[1];
      build();
      form.addEventListener("submit", download);
      var slug = new URLSearchParams(location.search).get("member");
      return slug ? prefill(slug) : null;
    })
    .then(function () {
      document.querySelector(".builder-fallback").hidden = true;
      form.hidden = false;
      form.setAttribute("data-ready", "true");
    });
})();
