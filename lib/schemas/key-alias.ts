import { z } from "zod";
import { keyDetailsShape } from "@/lib/schemas/keys";

/** The wizard's first step asks, before the PIN, whether an alias is still free in the chosen application. */
export const checkKeyAliasSchema = z.strictObject({
  alias: keyDetailsShape.alias,
  applicationId: keyDetailsShape.applicationId,
});
