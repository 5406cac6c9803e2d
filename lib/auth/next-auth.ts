import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { describeFailure } from "@/lib/errors";
import { clientIp } from "@/lib/http/request-context";
import { SESSION_ABSOLUTE_SECONDS } from "./sessions";
import { signInWithPassword } from "./sign-in";
import { log } from "@/lib/observability/log";

class SignInRateLimited extends CredentialsSignin {
  code = "rate_limited";
}

declare module "next-auth" {
  interface User {
    sessionId?: string;
  }
  interface Session {
    sessionId: string;
  }
}

/**
 * Auth.js with email + password. The encrypted cookie carries only the id of a server-side session
 * row; idle time (30 min), absolute life (12 h) and revocation are all decided by that row (checked
 * in lib/auth/session-actor.ts on every request), so a signed-out or expired session is refused on
 * its very next request.
 */
export const { auth, signIn, signOut } = NextAuth({
  secret: env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_ABSOLUTE_SECONDS, updateAge: SESSION_ABSOLUTE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  logger: {
    // Auth.js logs a stack for every wrong password; a wrong password is not an error.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      log().error({ error: error.name, cause: describeFailure((error as { cause?: unknown }).cause ?? error) }, "sign-in error");
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const result = await signInWithPassword(getDb(), {
          email: credentials.email,
          password: credentials.password,
          ip: clientIp(request.headers),
          userAgent: request.headers.get("user-agent"),
          requestId: request.headers.get("x-request-id") ?? crypto.randomUUID(),
        });
        if (result.ok) return { ...result.user, sessionId: result.sessionId };
        if (result.reason === "rate_limited") throw new SignInRateLimited();
        return null;
      },
    }),
  ],
  callbacks: {
    // The cookie only names the session. Whether it can still be used is decided by its row, in
    // currentActor (lib/auth/current.ts), not here: Auth.js turns any error in this callback into
    // "no session" and clears the cookie, so a database outage would sign everyone out.
    jwt({ token, user }) {
      if (user?.sessionId) return { sub: user.id, sid: user.sessionId };
      if (typeof token.sid !== "string") return null;
      return token;
    },
    session({ session, token }) {
      return { ...session, sessionId: token.sid as string };
    },
  },
});
