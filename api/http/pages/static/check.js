/* check.js: the receipt page. Reads the receipt (a dropped file, pasted text, or the published
 * receipt named in the address), checks it with tlog.js, and says each step's outcome. */
(function () {
  "use strict";
  const form = document.getElementById("check-form");
  const out = document.getElementById("outcome");
  const lang = form.dataset.lang;
  const T = {
    zh: { good: "核验通过：该事件确实记入了日志，日志签名和见证人联署有效。", refused: "核验未通过：不要相信这份回执。",
          entry: "记入的条目（事件哈希值）", log_signature: "日志签名（公钥对应检查点的日志名）", cosignature: "见证人联署",
          quorum: "有效联署数", inclusion: "默克尔包含证明与检查点的根哈希一致", missing: "（未联署）",
          no_entry: "缺少事件哈希值", entry_mismatch: "回执所记的事件哈希值与您要核对的不一致", no_key: "没有与该日志名对应的公钥", unreadable: "回执无法读取：",
          no_crypto: "此浏览器不支持 WebCrypto Ed25519（或页面不是通过 HTTPS 打开的），无法在页面中核验；请使用离线核验工具。",
          fetch_failed: "无法取得回执：", origin: "日志", size: "检查点大小", index: "条目序号", root: "根哈希", empty: "请选择或粘贴一份回执。" },
    en: { good: "Verified: the event is in the log; the log's signature and the witnesses' cosignatures hold.", refused: "Refused: do not trust this receipt.",
          entry: "Logged entry (event hash)", log_signature: "Log signature (a key named for the checkpoint's origin)", cosignature: "Witness cosignature",
          quorum: "Valid cosignatures", inclusion: "Merkle inclusion proof matches the checkpoint's root", missing: "(not cosigned)",
          no_entry: "the event hash is missing", entry_mismatch: "the receipt names another event hash than the one you check", no_key: "no key for this log's origin", unreadable: "The receipt cannot be read: ",
          no_crypto: "This browser lacks WebCrypto Ed25519 (or the page is not on HTTPS), so it cannot check here; use the offline verifier.",
          fetch_failed: "The receipt could not be fetched: ", origin: "Log", size: "Checkpoint size", index: "Entry index", root: "Root hash", empty: "Choose or paste a receipt." },
  }[lang];

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function show(result) {
    out.replaceChildren();
    out.append(el("div", { class: "verdict " + (result.ok ? "good" : "refused"), id: "verdict", "data-ok": String(result.ok) }, result.ok ? T.good : T.refused));
    const facts = el("dl", { class: "facts card" });
    for (const [k, v] of [["origin", result.origin], ["size", String(result.size)], ["index", String(result.index)], ["root", result.root]]) {
      facts.append(el("dt", {}, T[k]), el("dd", { class: k === "root" ? "hash" : "" }, v));
    }
    out.append(facts);
    const list = el("ul", { class: "checks", id: "steps" });
    for (const s of result.steps) {
      let detail = s.detail || "";
      if (s.step === "entry" && !s.ok) detail = s.detail === "mismatch" ? T.entry_mismatch : T.no_entry;
      if (s.step === "log_signature" && s.detail === "no_key") detail = T.no_key;
      if (s.missing) detail += " " + T.missing;
      if (s.time) detail += " · " + new Date(s.time * 1000).toISOString().replace(".000Z", "Z");
      list.append(el("li", { class: s.ok ? "pass" : (s.missing ? "info" : "fail"), "data-step": s.step }, T[s.step] + (detail ? "：" + detail : "")));
    }
    out.append(list);
    out.scrollIntoView({ block: "start" });
  }
  function fail(message) {
    out.replaceChildren(el("div", { class: "verdict refused", id: "verdict", "data-ok": "false" }, message));
  }
  async function check() {
    const receipt = document.getElementById("receipt-text").value;
    if (!receipt.trim()) { fail(T.empty); return; }
    if (!(window.crypto && crypto.subtle)) { fail(T.no_crypto); return; }
    try {
      show(await Tlog.verifyReceipt({ receipt, entryHex: document.getElementById("entry").value,
        logKeys: document.getElementById("log-keys").value, witnessKeys: document.getElementById("witness-keys").value,
        quorum: parseInt(document.getElementById("quorum").value || "0", 10) }));
    } catch (e) {
      if (e instanceof Tlog.ReceiptError) fail(T.unreadable + e.message);
      else if (e && e.name === "NotSupportedError") fail(T.no_crypto);
      else fail(T.unreadable + String(e));
    }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); check(); });
  document.getElementById("receipt-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    document.getElementById("receipt-text").value = await file.text();
    check();
  });
  const url = form.dataset.receiptUrl;
  if (url) {
    out.replaceChildren(el("p", { class: "muted" }, form.dataset.fetching));
    fetch(url, { credentials: "omit" }).then(async (response) => {
      if (!response.ok) throw new Error(response.status + " " + (await response.text()).slice(0, 200));
      document.getElementById("receipt-text").value = await response.text();
      check();
    }).catch((e) => fail(T.fetch_failed + e.message));
  }
})();
