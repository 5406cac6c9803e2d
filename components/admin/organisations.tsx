"use client";

import { Ban, Boxes, CircleCheck } from "lucide-react";
import { setOrganisationProductsAction } from "@/lib/actions/set-organisation-products";
import { setOrganisationStatusAction } from "@/lib/actions/set-organisation-status";
import { API_PRODUCTS, API_PRODUCT_LABELS, type ApiProduct } from "@/lib/permissions";
import { StepUpForm } from "./step-up-form";

interface Org {
  id: string;
  name: string;
  status: "pending" | "approved" | "suspended";
  products: ApiProduct[];
}

export function OrganisationActions({ org }: { org: Org }) {
  return (
    <div className="flex justify-end gap-1.5">
      {org.status !== "approved" ? (
        <StepUpForm
          trigger={
            <>
              <CircleCheck aria-hidden /> {org.status === "pending" ? "Approve" : "Reinstate"}
              <span className="sr-only"> {org.name}</span>
            </>
          }
          title={`Approve ${org.name}`}
          initial={{}}
          pinTitle={`${org.status === "pending" ? "Approve" : "Reinstate"} ${org.name}?`}
          pinDescription={() => (
            <>
              Its members may then create keys, and its keys work with the products enabled for it.
              {org.status === "pending" ? " It gets its first application, whose client secret its own members issue." : null}
            </>
          )}
          confirmLabel={org.status === "pending" ? "Approve" : "Reinstate"}
          run={(_, stepUp) => setOrganisationStatusAction({ orgId: org.id, status: "approved", ...stepUp })}
          success={() => `${org.name} approved`}
        />
      ) : null}
      {org.status !== "suspended" ? (
        <StepUpForm
          trigger={
            <>
              <Ban aria-hidden /> Suspend<span className="sr-only"> {org.name}</span>
            </>
          }
          triggerVariant="ghost"
          title={`Suspend ${org.name}`}
          initial={{}}
          pinTitle={`Suspend ${org.name}?`}
          pinDescription={() => <>Every key of {org.name} is refused from the next call, until you reinstate it.</>}
          confirmLabel="Suspend"
          destructive
          run={(_, stepUp) => setOrganisationStatusAction({ orgId: org.id, status: "suspended", ...stepUp })}
          success={() => `${org.name} suspended`}
        />
      ) : null}
      <StepUpForm
        trigger={
          <>
            <Boxes aria-hidden /> Products<span className="sr-only"> of {org.name}</span>
          </>
        }
        title={`Products of ${org.name}`}
        description="A key's permissions count only while their product is enabled."
        initial={{ products: org.products }}
        fields={(v, set, errors) => (
          <fieldset aria-describedby={errors.products ? "products-error" : undefined}>
            <legend className="text-sm font-medium text-zinc-800">Enabled API products</legend>
            <div className="mt-2 space-y-2">
              {API_PRODUCTS.map((p) => (
                <label key={p} className="flex items-center gap-2 text-sm text-zinc-800">
                  <input
                    type="checkbox"
                    className="size-4 accent-accent-600"
                    checked={v.products.includes(p)}
                    onChange={(e) => set({ products: e.target.checked ? [...v.products, p] : v.products.filter((x) => x !== p) })}
                  />
                  {API_PRODUCT_LABELS[p]}
                </label>
              ))}
            </div>
            {errors.products ? (
              <p id="products-error" className="mt-1.5 text-sm text-red-700">
                {errors.products}
              </p>
            ) : null}
          </fieldset>
        )}
        pinTitle={`Save the products of ${org.name}`}
        pinDescription={(v) => <>{v.products.length ? v.products.map((p) => API_PRODUCT_LABELS[p]).join(", ") : "No products"}.</>}
        confirmLabel="Save products"
        run={(v, stepUp) => setOrganisationProductsAction({ orgId: org.id, products: v.products, ...stepUp })}
        success={() => `Products of ${org.name} saved`}
      />
    </div>
  );
}
