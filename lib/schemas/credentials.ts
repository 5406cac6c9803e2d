import { z } from "zod";
import { API_PRODUCTS } from "@/lib/permissions";
import { pinField } from "./keys";

export const rotateSecretSchema = z.strictObject({ applicationId: z.uuid({ error: "Unknown application" }), pin: pinField });

export const addApplicationSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "Name the application")
    .max(64, "Keep the name to 64 characters")
    .regex(/^[^<>\u0000-\u001f\u007f]*$/, "The name cannot contain < > or control characters"),
  pin: pinField,
});

export const organisationStatusSchema = z.strictObject({
  orgId: z.uuid({ error: "Unknown organisation" }),
  status: z.enum(["approved", "suspended"], { error: "Choose approve or suspend" }),
  pin: pinField,
});

export const organisationProductsSchema = z.strictObject({
  orgId: z.uuid({ error: "Unknown organisation" }),
  products: z.array(z.enum(API_PRODUCTS, { error: "Unknown product" })).max(API_PRODUCTS.length),
  pin: pinField,
});
