/* tlog.js: checks a C2SP tlog-proof@v1 receipt in the browser, with WebCrypto only.
 *
 * Formats (the specs in docs/pages.md): c2sp.org/tlog-proof@v1, c2sp.org/signed-note,
 * c2sp.org/tlog-checkpoint, c2sp.org/tlog-cosignature (cosignature/v1, Ed25519), RFC 6962 / 9162
 * inclusion proofs over SHA-256. No library, no network: the receipt, the logged entry and the
 * trusted keys are the only inputs, and every answer is computed here.
 */
(function (global) {
  "use strict";
  const enc = new TextEncoder();
  const MAGIC = "c2sp.org/tlog-proof@v1";
  const EM_DASH = "\u2014";

  class ReceiptError extends Error {
    constructor(code, detail) { super(code + (detail ? ": " + detail : "")); this.code = code; this.detail = detail || ""; }
  }

  function b64decode(text, what) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new ReceiptError("base64", what);
    const raw = atob(text);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function b64encode(bytes) { let s = ""; for (const b of bytes) s += String.fromCharCode(b); return btoa(s); }
  function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }
  function unhex(text) {
    if (!/^([0-9a-f]{2})*$/.test(text)) throw new ReceiptError("hex", text);
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  function equal(a, b) { return a.length === b.length && a.every((v, i) => v === b[i]); }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }

  /* -- the receipt ------------------------------------------------------------------------------ */
  function parseProof(text) {
    text = text.replace(/\r\n/g, "\n");
    const split = text.indexOf("\n\n");
    if (split < 0) throw new ReceiptError("format", "no empty line before the checkpoint");
    const head = text.slice(0, split).split("\n");
    const note = text.slice(split + 2);
    if (head[0] !== MAGIC) throw new ReceiptError("format", "the first line is not " + MAGIC);
    let n = 1, extra = null;
    if (head[n] && head[n].startsWith("extra ")) { extra = b64decode(head[n].slice(6), "extra"); n++; }
    const indexLine = head[n] || "";
    if (!/^index (0|[1-9][0-9]*)$/.test(indexLine)) throw new ReceiptError("format", "no index line");
    const index = BigInt(indexLine.slice(6));
    const path = head.slice(n + 1).map((line, i) => {
      const h = b64decode(line, "proof hash " + i);
      if (h.length !== 32) throw new ReceiptError("format", "proof hash " + i + " is not 32 bytes");
      return h;
    });
    return { index, path, extra, note };
  }

  function parseNote(note) {
    if (!note.endsWith("\n")) throw new ReceiptError("note", "the checkpoint does not end with a newline");
    const split = note.lastIndexOf("\n\n");
    if (split < 0) throw new ReceiptError("note", "no signature");
    const body = note.slice(0, split + 1);
    const signatures = note.slice(split + 2, -1).split("\n").map((line) => {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new ReceiptError("note", "a signature line is malformed");
      const raw = b64decode(m[2], "signature");
      if (raw.length < 5) throw new ReceiptError("note", "a signature is too short");
      return { name: m[1], keyId: raw.slice(0, 4), sig: raw.slice(4) };
    });
    const lines = body.slice(0, -1).split("\n");
    if (lines.length < 3) throw new ReceiptError("checkpoint", "fewer than three lines");
    if (!lines[0]) throw new ReceiptError("checkpoint", "empty origin");
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new ReceiptError("checkpoint", "the size is not a number");
    const root = b64decode(lines[2], "root");
    if (root.length !== 32) throw new ReceiptError("checkpoint", "the root is not 32 bytes");
    return { body, origin: lines[0], size: BigInt(lines[1]), root, signatures };
  }

  /* -- keys: <name>+<hex key id>+<base64(type || public key)> ---------------------------------- */
  async function parseKey(text, type) {
    // the name holds no '+', the key ID is 8 hex digits; the base64 material may hold '+'
    const m = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text.trim());
    if (!m) throw new ReceiptError("key", text.trim().slice(0, 40));
    const [, name, idHex, material] = m;
    const raw = b64decode(material, "key");
    if (raw.length !== 33 || raw[0] !== type) throw new ReceiptError("key_type", name);
    const pub = raw.slice(1);
    const keyId = (await sha256(concat(enc.encode(name + "\n"), new Uint8Array([type]), pub))).slice(0, 4);
    if (hex(keyId) !== idHex.toLowerCase()) throw new ReceiptError("key_id", name);
    const key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
    return { name, keyId, key, text: text.trim() };
  }
  async function parseKeys(text, type) {
    const keys = [];
    for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) keys.push(await parseKey(line, type));
    return keys;
  }
  function ed25519Verify(key, sig, message) {
    if (sig.length !== 64) return Promise.resolve(false);
    return crypto.subtle.verify({ name: "Ed25519" }, key, sig, message);
  }

  /* -- RFC 9162 2.1.3.2: the root from the leaf and the path ------------------------------------ */
  async function rootFromInclusion(index, size, leafHash, path) {
    if (index >= size) throw new ReceiptError("inclusion", "the index is not below the tree size");
    let fn = index, sn = size - 1n, r = leafHash;
    for (const p of path) {
      if (sn === 0n) throw new ReceiptError("inclusion", "the proof is too long");
      if ((fn & 1n) === 1n || fn === sn) {
        r = await sha256(concat(new Uint8Array([1]), p, r));
        if ((fn & 1n) === 0n) { while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; } }
      } else {
        r = await sha256(concat(new Uint8Array([1]), r, p));
      }
      fn >>= 1n; sn >>= 1n;
    }
    if (sn !== 0n) throw new ReceiptError("inclusion", "the proof is too short");
    return r;
  }

  /* -- the whole check ---------------------------------------------------------------------------
   * Returns {ok, steps: [{step, ok, detail}], origin, size, index, cosigners: [{name, time}]};
   * throws ReceiptError only for a receipt that cannot be read at all. */
  async function verifyReceipt({ receipt, entryHex, logKeys, witnessKeys, quorum }) {
    const steps = [];
    const proof = parseProof(receipt);
    const cp = parseNote(proof.note);
    const out = { ok: false, steps, origin: cp.origin, size: cp.size, index: proof.index, cosigners: [], root: b64encode(cp.root) };

    // 1. the leaf: SHA-256(0x00 || entry), the entry being the logged event's hash
    // The extra line is not authenticated: the hash it names is only a claim until the inclusion
    // proof binds it to the signed root, and an entry the reader expects must equal it.
    let claimed = null;
    if (proof.extra) {
      if (proof.extra.length === 32) claimed = proof.extra;
      else {
        try {
          const obj = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(proof.extra));
          if (obj && obj.format === "spotcheck-receipt/1" && /^[0-9a-f]{64}$/.test(obj.event_hash)) claimed = unhex(obj.event_hash);
        } catch (e) { claimed = null; }
      }
    }
    let entry = entryHex && entryHex.trim() ? unhex(entryHex.trim().toLowerCase()) : claimed;
    if (!entry || entry.length !== 32 || (claimed && !equal(claimed, entry))) {
      steps.push({ step: "entry", ok: false, detail: claimed && entry && !equal(claimed, entry) ? "mismatch" : "" });
      return out;
    }
    steps.push({ step: "entry", ok: true, detail: hex(entry) });
    const leaf = await sha256(concat(new Uint8Array([0]), entry));

    // 2. the log's signature, by a key configured for the origin line
    const keys = (await parseKeys(logKeys, 0x01)).filter((k) => k.name === cp.origin);
    let signed = false, badSignature = false;
    for (const s of cp.signatures) {
      const key = keys.find((k) => k.name === s.name && equal(k.keyId, s.keyId));
      if (!key) continue;
      if (await ed25519Verify(key.key, s.sig, enc.encode(cp.body))) signed = true; else badSignature = true;
    }
    steps.push({ step: "log_signature", ok: signed && !badSignature, detail: keys.length ? cp.origin : "no_key" });

    // 3. the witnesses' cosignatures (cosignature/v1): each known cosigner's line must verify
    const wkeys = await parseKeys(witnessKeys || "", 0x04);
    let badCosignature = false;
    for (const k of wkeys) {
      const line = cp.signatures.find((s) => s.name === k.name && equal(s.keyId, k.keyId));
      if (!line) { steps.push({ step: "cosignature", ok: false, detail: k.name, missing: true }); continue; }
      if (line.sig.length !== 72) { badCosignature = true; steps.push({ step: "cosignature", ok: false, detail: k.name }); continue; }
      const time = new DataView(line.sig.buffer, line.sig.byteOffset, 8).getBigUint64(0);
      const message = enc.encode("cosignature/v1\ntime " + time.toString() + "\n" + cp.body);
      const good = await ed25519Verify(k.key, line.sig.slice(8), message);
      if (good) out.cosigners.push({ name: k.name, time: Number(time) }); else badCosignature = true;
      steps.push({ step: "cosignature", ok: good, detail: k.name, time: Number(time) });
    }
    const enough = out.cosigners.length >= (quorum || 0);
    steps.push({ step: "quorum", ok: enough && !badCosignature, detail: out.cosigners.length + "/" + (quorum || 0) });

    // 4. the inclusion proof binds the leaf to the signed root
    let included = false;
    try {
      included = equal(await rootFromInclusion(proof.index, cp.size, leaf, proof.path), cp.root);
      steps.push({ step: "inclusion", ok: included, detail: "" });
    } catch (e) {
      steps.push({ step: "inclusion", ok: false, detail: e.detail || String(e) });
    }
    out.ok = steps.every((s) => s.ok || s.missing) && signed && !badSignature && enough && !badCosignature && included;
    return out;
  }

  global.Tlog = { parseProof, parseNote, parseKey, verifyReceipt, rootFromInclusion, ReceiptError, hex, unhex };
})(window);
