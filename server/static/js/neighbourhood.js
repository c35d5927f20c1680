/* An entity page's neighbourhood picture: Cytoscape.js (vendored, no CDN) draws the JSON the
 * page carries in #neighbourhood-data. Without JavaScript the page still lists every link
 * (Properties, Events, Links to this resource); the picture only adds an overview. A click on
 * a node opens that resource's page. */
(function () {
  "use strict";
  var holder = document.getElementById("neighbourhood-picture");
  var data = document.getElementById("neighbourhood-data");
  if (!holder || !data || typeof window.cytoscape === "undefined") {
    return;
  }
  var elements = JSON.parse(data.textContent);
  var cy = window.cytoscape({
    container: holder,
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120,
        "background-color": "#0b5cad", "color": "#1d232b", "width": 18, "height": 18,
        "text-valign": "bottom", "text-margin-y": 4 } },
      { selector: "node[?focus]", style: {
        "background-color": "#b3541e", "width": 30, "height": 30, "font-weight": "bold" } },
      { selector: "edge", style: {
        "label": "data(label)", "font-size": 9, "color": "#5a6572", "curve-style": "bezier",
        "target-arrow-shape": "triangle", "line-color": "#9aa6b2", "target-arrow-color": "#9aa6b2",
        "width": "mapData(weight, 1, 10, 1, 5)", "text-rotation": "none",
        "text-background-color": "#f5f7fa", "text-background-opacity": 1,
        "text-background-padding": 2, "text-background-shape": "roundrectangle" } }
    ],
    layout: { name: "concentric", concentric: function (node) { return node.data("focus") ? 2 : 1; },
              levelWidth: function () { return 1; }, minNodeSpacing: 90, animate: false,
              padding: 30 }
  });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href && !event.target.data("focus")) {
      window.location.href = href;
    }
  });
  holder.setAttribute("data-nodes", String(cy.nodes().length));
  holder.setAttribute("data-edges", String(cy.edges().length));
})();
