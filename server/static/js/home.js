/* The home page's query editor: YASGUI (vendored) against this server's own /sparql.
 * Without JavaScript the plain form in #editor still runs queries; with it, YASGUI replaces
 * the form. Everything YASGUI could fetch from elsewhere is switched off:
 *  - class/property autocompletion (it asks the Linked Open Vocabularies API),
 *  - prefix.cc look-ups (prefixCcApi stays null: the bundled prefix list is used),
 *  - the endpoint catalogue (only our endpoint is offered). */
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
