// The docs page: Swagger UI over the mock's own /openapi.json.
"use strict";

fetch("/openapi.json")
  .then((answer) => answer.json())
  .then((spec) => {
    // "Try it out" sends to the server that serves this page, whatever port it listens
    // on; the document's own servers stay listed after it.
    const here = { url: location.origin, description: "This mock server" };
    spec.servers = [here, ...(spec.servers || []).filter((server) => server.url !== here.url)];
    window.ui = SwaggerUIBundle({
      spec,
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      // The default validator is a web service: this page talks to the mock only.
      validatorUrl: null,
    });
  });
