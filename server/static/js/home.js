/* The home page's query editor: YASGUI (vendored) against this server's own /sparql.
 * Without JavaScript the plain form in #editor still runs queries; with it, YASGUI replaces
 * the form. Everything YASGUI could fetch from elsewhere is switched off:
 *  - class/property autocompletion (it asks the Linked Open Vocabularies API),
 *  - prefix.cc look-ups (prefixCcApi stays null: the bundled prefix list is used, with this
 *    server's own prefixes in place of the bundled ones of the same name),
 *  - the endpoint catalogue (only our endpoint is offered).
 * Entity names are completed from this server's /search/complete. */
(function () {
  "use strict";
  var holder = document.getElementById("editor");
  if (!holder || typeof window.Yasgui === "undefined") {
    return;
  }
  var Yasgui = window.Yasgui;
  var form = holder.querySelector("form.plain-editor");
  var textarea = document.getElementById("plain-query");
  var defaultQuery = textarea ? textarea.value : "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  var endpoint = new URL(holder.getAttribute("data-endpoint"), window.location.href).href;

  // Our own prefixes (data-prefixes) replace the bundled table's where they differ: its res: is
  // DBpedia's, and the editor adds a PREFIX line from it when one is typed undeclared.
  var ours = JSON.parse(holder.getAttribute("data-prefixes") || "{}");
  var prefixCompleter = Yasgui.Yasqe.Autocompleters.prefixes;
  if (prefixCompleter) {
    var bundled = prefixCompleter.get;
    prefixCompleter.persistenceId = "newskg-prefixes"; // not a list stored before this fix
    prefixCompleter.get = function (yasqe, token) {
      return Promise.resolve(bundled.call(this, yasqe, token)).then(function (list) {
        var kept = list.filter(function (line) { return !(line.split(":")[0] in ours); });
        Object.keys(ours).forEach(function (p) { kept.push(p + ": <" + ours[p] + ">"); });
        return kept.sort();
      });
    };
  }

  // Entity names: typing res:Rub offers res:Marco_Rubio, found by /search/complete in the
  // release's search index (words of labels and aliases, by prefix), shown with its label.
  var completeUrl = new URL(holder.getAttribute("data-complete"), window.location.href).href;
  var entityLabels = {};
  if (ours.res) {
    Yasgui.Yasqe.registerAutocompleter({
      name: "entities",
      bulk: false,
      autoShow: true,
      isValidCompletionPosition: function (yasqe) {
        var token = yasqe.getCompleteToken();
        var declared = yasqe.getPrefixesFromQuery().res;
        return /^res:/.test(token.string) && (!declared || declared === ours.res);
      },
      get: function (yasqe, token) {
        var typed = token.string.slice(4).replace(/_/g, " ");
        if (!/[0-9A-Za-z\u00C0-\uFFFF]/.test(typed)) {
          return Promise.resolve([]);
        }
        var url = completeUrl + "?" + new URLSearchParams({ q: typed, limit: "15" });
        return fetch(url, { headers: { Accept: "application/json" } })
          .then(function (reply) { return reply.ok ? reply.json() : { completions: [] }; })
          .then(function (data) {
            return data.completions.map(function (found) {
              var text = found.curie || "<" + found.iri + ">";
              entityLabels[text] = found.label;
              return text;
            });
          });
      },
      postprocessHints: function (yasqe, hints) {
        hints.forEach(function (hint) {
          if (entityLabels[hint.text]) {
            hint.displayText = hint.text + "  \u2014 " + entityLabels[hint.text];
          }
        });
        return hints;
      },
    });
  }

  var offline = function (names) {
    return names.filter(function (name) { return name !== "class" && name !== "property"; });
  };
  Yasgui.Yasqe.defaults.autocompleters = offline(Yasgui.Yasqe.defaults.autocompleters);
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  Yasgui.Yasqe.defaults.value = defaultQuery;
  Yasgui.defaults.requestConfig.endpoint = endpoint;

  if (form) {
    form.hidden = true;
  }
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: "newskg-yasgui",
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
    },
    yasqe: { value: defaultQuery, resizeable: true, editorHeight: "260px" },
  });
  window.newskgYasgui = yasgui;
  if (new URLSearchParams(window.location.search).has("query")) {
    holder.scrollIntoView();
  }
})();
