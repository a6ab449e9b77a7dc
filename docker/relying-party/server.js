// A relying party's back-channel logout endpoint: validates each logout token as OpenID Connect Back-Channel Logout
// 1.0 asks (signature against the realm's JWKS, iss, aud, iat/exp, typ logout+jwt, the events claim, no nonce),
// logs what it would end, and answers 200; an invalid token gets 400.
import http from "node:http";
import { createRemoteJWKSet, jwtVerify } from "jose";

const { ISSUER, JWKS_URL, CLIENT_ID, PORT = "3001" } = process.env;
const keys = createRemoteJWKSet(new URL(JWKS_URL));
const seen = new Set();

async function validate(logoutToken) {
  const { payload, protectedHeader } = await jwtVerify(logoutToken, keys, {
    issuer: ISSUER,
    audience: CLIENT_ID,
    typ: "logout+jwt",
  });
  if (!payload.events || !payload.events["http://schemas.openid.net/event/backchannel-logout"]) {
    throw new Error("no back-channel logout event");
  }
  if ("nonce" in payload) throw new Error("a logout token must not carry a nonce");
  if (!payload.sid && !payload.sub) throw new Error("neither sid nor sub");
  if (!payload.jti) throw new Error("no jti");
  return { payload, protectedHeader };
}

http.createServer((req, res) => {
  if (req.method !== "POST") { res.writeHead(405).end(); return; }
  let body = "";
  req.on("data", (chunk) => { body += chunk; if (body.length > 65536) req.destroy(); });
  req.on("end", async () => {
    const token = new URLSearchParams(body).get("logout_token");
    try {
      const { payload } = await validate(token);
      const repeat = seen.has(payload.jti);
      seen.add(payload.jti);
      console.log(JSON.stringify({ valid: true, repeat, sid: payload.sid, sub: payload.sub, jti: payload.jti }));
      res.writeHead(200).end();
    } catch (e) {
      console.log(JSON.stringify({ valid: false, error: e.message }));
      res.writeHead(400).end();
    }
  });
}).listen(Number(PORT), () => console.log(`relying party listening on ${PORT}`));
