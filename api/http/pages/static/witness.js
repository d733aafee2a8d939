/* witness.js: the witness's commitment is computed here, in the witness's own browser: the value
 * typed has no name in the form, so it is never sent; only its SHA-256 (hex) is. At the reveal the
 * page shows whether the value typed matches the commitment before it is sent. */
(function () {
  "use strict";
  const data = document.getElementById("witness-data").dataset;
  async function sha256hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  const secret = document.getElementById("secret-value");
  if (secret) {
    const button = document.getElementById("commit-button");
    secret.addEventListener("input", async () => {
      const value = secret.value;
      const digest = value ? await sha256hex(value) : "";
      if (secret.value !== value) return;
      document.getElementById("commitment").value = digest;
      document.getElementById("commitment-shown").textContent = digest || "—";
      button.disabled = !digest;
    });
  }
  const reveal = document.getElementById("reveal-value");
  if (reveal) {
    reveal.addEventListener("input", async () => {
      const value = reveal.value;
      const digest = value ? await sha256hex(value) : "";
      if (reveal.value !== value) return;
      document.getElementById("reveal-hash").textContent = digest || "—";
      const match = document.getElementById("reveal-match");
      match.textContent = !digest ? "" : (digest === data.commitment ? data.match : data.mismatch);
      match.className = digest === data.commitment ? "ok" : "bad";
    });
  }
})();
