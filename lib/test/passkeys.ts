import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import type { Actor } from "@/lib/auth/actor";
import { beginPasskeyRegistration } from "@/lib/passkeys/begin-passkey-registration";
import { finishPasskeyRegistration } from "@/lib/passkeys/finish-passkey-registration";
import { relyingParty } from "@/lib/passkeys/relying-party";
import type { Database } from "@/lib/db";
import { PasskeyChallenge } from "@/lib/errors";
import { context, db } from "./helpers";
import { DEMO_PEOPLE } from "@/lib/demo/people";

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();
const counterBytes = (n: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
};

export interface AssertOptions {
  /** The signature counter to report; by default one more than the last. */
  counter?: number;
  /** Whether the person was verified (fingerprint, face, device PIN); true unless said. */
  userVerified?: boolean;
  /** The origin the browser reports; the portal's own unless said. */
  origin?: string;
  /** The relying party whose hash the authenticator signs; the portal's own unless said. */
  rpId?: string;
}

/**
 * A software authenticator, as a browser with a platform passkey would answer: one P-256 key pair,
 * "none" attestation, ES256 signatures over authenticatorData ‖ SHA-256(clientDataJSON).
 */
export class SoftAuthenticator {
  readonly credentialId = b64url(randomBytes(16));
  counter = 0;
  private readonly privateKey: KeyObject;
  private readonly cosePublicKey: Uint8Array;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: "jwk" });
    this.cosePublicKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x!, "base64url"))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, "base64url"))],
      ]),
    );
  }

  /** The browser's answer to registration options. */
  register(options: PublicKeyCredentialCreationOptionsJSON, { userVerified = true, origin = relyingParty().origin } = {}): RegistrationResponseJSON {
    const id = Buffer.from(this.credentialId, "base64url");
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(options.rp.id ?? relyingParty().rpID),
      Buffer.from([UP | (userVerified ? UV : 0) | AT]),
      counterBytes(this.counter),
      Buffer.alloc(16), // AAGUID
      length,
      id,
      Buffer.from(this.cosePublicKey),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, never>>([
        ["fmt", "none"],
        ["attStmt", new Map<string, never>()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    const clientDataJSON = JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin, crossOrigin: false });
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: { clientDataJSON: b64url(Buffer.from(clientDataJSON)), attestationObject: b64url(attestationObject), transports: ["internal"] },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** The browser's answer to request options (a step-up challenge). */
  assert(options: PublicKeyCredentialRequestOptionsJSON, opts: AssertOptions = {}): AuthenticationResponseJSON {
    const counter = opts.counter ?? this.counter + 1;
    this.counter = Math.max(this.counter, counter);
    const authData = Buffer.concat([
      sha256(opts.rpId ?? options.rpId ?? relyingParty().rpID),
      Buffer.from([UP | (opts.userVerified === false ? 0 : UV)]),
      counterBytes(counter),
    ]);
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin: opts.origin ?? relyingParty().origin, crossOrigin: false }),
    );
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature) },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }
}

/** The PIN of a demo person, or of a member made by `memberWithPermissions`. */
export const pinFor = (email: string) => DEMO_PEOPLE.find((p) => p.email === email)?.pin ?? "482915";

/** Adds a passkey for the actor through the commands themselves (the PIN confirms the start). */
export async function addPasskey(actor: Actor, name = "Laptop", authenticator = new SoftAuthenticator()) {
  const { options } = await beginPasskeyRegistration(db(), actor, { pin: pinFor(actor.user.email) }, context);
  const added = await finishPasskeyRegistration(db(), actor, { name, response: authenticator.register(options) }, context);
  return { ...added, authenticator };
}

type StepUpCommand = (db: Database, actor: Actor, input: unknown, request: typeof context) => Promise<unknown>;

/**
 * A fresh assertion for one command with one input, as the portal asks for it: the command itself
 * issues the challenge (`passkey: "challenge"`), and the authenticator signs it.
 */
export async function passkeyFor(actor: Actor, authenticator: SoftAuthenticator, command: StepUpCommand, input: object, opts: AssertOptions = {}) {
  const asked = await command(db(), actor, { ...input, passkey: "challenge" }, context).then(
    () => null,
    (error: unknown) => error,
  );
  if (!(asked instanceof PasskeyChallenge)) throw new Error(`expected a passkey challenge, got ${asked === null ? "success" : String(asked)}`);
  return authenticator.assert(asked.challenge, opts);
}
