import { z } from "zod";
import { CONTROL_CHARACTERS_MESSAGE, NO_CONTROL_CHARACTERS } from "@/lib/schemas/text";
import { MEMBER_PERMISSIONS } from "@/lib/permissions";
import { pinField } from "./keys";

const email = z.string().trim().toLowerCase().min(1, "Enter an email address").max(254, "That email address is too long").email("Enter a valid email address");
const roleId = z.uuid({ error: "Choose a role" });
const userId = z.uuid({ error: "Unknown member" });

export const inviteMemberSchema = z.strictObject({ email, roleId, pin: pinField });
export const changeMemberRoleSchema = z.strictObject({ userId, roleId, pin: pinField });
export const memberActionSchema = z.strictObject({ userId, pin: pinField });
export const withdrawInvitationSchema = z.strictObject({ invitationId: z.uuid({ error: "Unknown invitation" }) });

export const roleFieldsShape = {
  name: z
    .string()
    .trim()
    .min(1, "Name the role")
    .max(48, "Keep the name to 48 characters")
    .regex(/^[^<>\u0000-\u001f\u007f]*$/, "The name cannot contain < > or control characters"),
  description: z.string().trim().max(200, "Keep the description to 200 characters").regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE),
  permissions: z
    .array(z.enum(MEMBER_PERMISSIONS, { error: "Unknown permission" }))
    .min(1, "Choose at least one permission")
    .max(MEMBER_PERMISSIONS.length),
};
export const roleFieldsSchema = z.strictObject(roleFieldsShape);
export type RoleFields = z.infer<typeof roleFieldsSchema>;
export const createRoleSchema = z.strictObject({ ...roleFieldsShape, pin: pinField });
export const updateRoleSchema = z.strictObject({ ...roleFieldsShape, roleId, pin: pinField });
export const deleteRoleSchema = z.strictObject({ roleId, pin: pinField });

const password = z.string().min(12, "Use at least 12 characters").max(200, "That password is too long");

export const acceptInvitationSchema = z
  .strictObject({
    token: z.string().regex(/^lkinv_[0-9A-Za-z]{43}$/, "This invitation link is not valid"),
    name: z.string().trim().min(1, "Enter your name").max(100, "Keep your name to 100 characters").regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE),
    password,
    confirmPassword: z.string().max(200),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords do not match" });
export type AcceptInvitationInput = z.infer<typeof acceptInvitationSchema>;
