"use client";

import { useHydrated } from "@/lib/use-hydrated";
import { ArrowLeft, ArrowRight, Check, Info, Loader2, ShieldAlert } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useForm, type FieldPath } from "react-hook-form";
import { toast } from "@/components/ui/toaster";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { Input, Textarea } from "@/components/ui/input";
import { checkKeyAliasAction } from "@/lib/actions/check-key-alias";
import { createKeyAction } from "@/lib/actions/create-key";
import { formatDate, maskedNumber } from "@/lib/format";
import { describeKey, permissionsInWords, PRESET_LABELS, presetOf } from "@/lib/key-permissions";
import { KEY_LIFETIME_DAYS } from "@/lib/key-status";
import type { NewKeyFormInput } from "@/lib/schemas/keys";
import { movesMoney } from "@/lib/key-grants";
import { cn } from "@/lib/utils";
import type { WizardOptions } from "@/lib/keys/wizard-options";
import { PermissionMatrix } from "./permission-matrix";
import { LazyStepUpDialog } from "@/components/auth/lazy-step-up-dialog";
import { isStepUpRefusal, type PinOutcome, type StepUp, stepUpRefusal } from "@/components/auth/step-up-outcome";
import { SecretModal } from "./secret-modal";

const STEPS = ["Details", "Access", "Permissions", "Review"] as const;
const STEP_HEADINGS = ["Name the key", "Choose what it can reach", "Choose what it may do", "Review and create"] as const;
/** Each step's name in the address (?step=access), so the browser's Back and Forward move between steps. */
const STEP_SLUGS = ["details", "access", "permissions", "review"] as const;
const LEAVE_MESSAGE = "Leave this page? The key you started is not created yet, and what you entered will be lost.";

function stepFromParam(param: string | null): number {
  const index = STEP_SLUGS.indexOf((param ?? "") as (typeof STEP_SLUGS)[number]);
  return index === -1 ? 0 : index;
}

type Rules = typeof import("./new-key-wizard-rules");
let loadedRules: Rules | null = null;
let loadingRules: Promise<Rules> | null = null;
const rulesListeners = new Set<() => void>();
/** The schemas and what is derived with them: loaded when the person first works in the wizard. */
function loadRules(): Promise<Rules> {
  loadingRules ??= import("./new-key-wizard-rules").then((rules) => {
    loadedRules = rules;
    for (const listener of rulesListeners) listener();
    return rules;
  });
  return loadingRules;
}
function useRules(): Rules | null {
  return useSyncExternalStore(
    (listener) => {
      rulesListeners.add(listener);
      return () => rulesListeners.delete(listener);
    },
    () => loadedRules,
    () => null,
  );
}
const STEP_FIELDS: FieldPath<NewKeyFormInput>[][] = [
  ["alias", "description", "mode", "applicationId"],
  ["companyIds", "accountIds", "allowedIpsText"],
  ["permissions", "maxPerPaymentText", "maxPerDayText"],
  [],
];

/** The server names the list it was sent; the form's field is the text it came from. */
const FORM_FIELDS: Record<string, FieldPath<NewKeyFormInput>> = {
  allowedIps: "allowedIpsText",
  maxPerPayment: "maxPerPaymentText",
  maxPerDay: "maxPerDayText",
};
const formField = (field: string) => FORM_FIELDS[field.split(".")[0]!] ?? (field.split(".")[0]! as FieldPath<NewKeyFormInput>);

function stepOfField(field: string): number {
  const index = STEP_FIELDS.findIndex((fields) => fields.some((f) => field === f || field.startsWith(`${f}.`)));
  return index === -1 ? 0 : index;
}

export function NewKeyWizard({ options, initial }: { options: WizardOptions; initial?: Partial<NewKeyFormInput> }) {
  const router = useRouter();
  const business = options.orgKind === "business";
  const form = useForm<NewKeyFormInput>({
    resolver: async (values, context, options) => (await loadRules()).resolver(values, context, options),
    // Each step is checked when the person presses Continue, then fields re-check as they change.
    // (Validating on blur re-rendered between mousedown and mouseup and swallowed the Continue click.)
    mode: "onSubmit",
    reValidateMode: "onChange",
    defaultValues: {
      alias: "",
      description: "",
      mode: "live",
      applicationId: options.applications[0]?.id ?? "",
      companyIds: [],
      accountIds: [],
      permissions: [],
      allowedIpsText: "",
      maxPerPaymentText: "",
      maxPerDayText: "",
      ...initial,
    },
  });
  const { register, watch, setValue, trigger, setError, getValues, formState } = form;
  const hydrated = useHydrated();
  const rules = useRules();
  // A key copied from another (values given) shows derived text at once; a new one loads the schemas
  // when the person first focuses or presses something in the wizard.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on arrival
  useEffect(() => {
    if (initial) void loadRules();
  }, []);
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const urlStep = stepFromParam(searchParams.get("step"));
  const [step, setStep] = useState(0);
  const [checkingAlias, setCheckingAlias] = useState(false);
  const [restartNotice, setRestartNotice] = useState(false);
  const leaving = useRef(false);
  const root = useRef<HTMLDivElement>(null);
  const noApplication = options.applications.length === 0;
  const [pinOpen, setPinOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ id: string; key: string; pendingApproval: boolean } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [focusInvalid, setFocusInvalid] = useState(0);
  /** A refused choice is checked again as it changes, so its error (and aria-invalid) goes once it is fixed. */
  const recheck = (field: "companyIds" | "accountIds") => () => {
    if (form.getFieldState(field).error) void trigger(field);
  };

  const values = watch();
  const accountsOfMode = useMemo(() => options.accounts.filter((a) => a.mode === values.mode), [options.accounts, values.mode]);
  const visibleAccounts = business ? accountsOfMode.filter((a) => values.companyIds.includes(a.companyId ?? "")) : accountsOfMode;

  // Accounts must match the key's mode and, for businesses, the chosen companies.
  useEffect(() => {
    const allowed = new Set(visibleAccounts.map((a) => a.id));
    const kept = values.accountIds.filter((id) => allowed.has(id));
    if (kept.length !== values.accountIds.length) setValue("accountIds", kept, { shouldValidate: formState.isSubmitted });
  }, [visibleAccounts, values.accountIds, setValue, formState.isSubmitted]);

  // Each new step moves focus to its heading.
  useEffect(() => {
    heading.current?.focus();
    // Review ends in the PIN dialog: its code comes now, so it opens at once (the secret modal is on the page already).
    if (step === STEPS.length - 1) {
      LazyStepUpDialog.preload().catch(() => {});
    }
  }, [step]);

  // After a refused Continue on Access or Permissions, focus goes where the error is.
  useEffect(() => {
    if (!focusInvalid) return;
    const form = root.current?.querySelector("form");
    const first = form?.querySelector<HTMLElement>('[aria-invalid="true"]:not(:disabled)');
    const group = form?.querySelector<HTMLElement>("fieldset[aria-describedby], table[aria-describedby]");
    (first ?? group)?.focus();
  }, [focusInvalid]);

  /** Shows step `to` and puts it in the address: a new history entry going forward, the same one otherwise. */
  const goTo = useCallback(
    (to: number, how: "push" | "replace") => {
      const params = new URLSearchParams(window.location.search);
      if (to === 0) params.delete("step");
      else params.set("step", STEP_SLUGS[to]!);
      const query = params.toString();
      const state = { ...(window.history.state ?? {}), wizardStep: to };
      window.history[how === "push" ? "pushState" : "replaceState"](state, "", `${pathname}${query ? `?${query}` : ""}`);
      setStep(to);
    },
    [pathname],
  );

  // The address decides the step (Back, Forward, a reload, a shared link) as far as the entered data
  // reaches; past that, the first step still to complete is shown and the address says so.
  const arrivedAt = useRef(true);
  useEffect(() => {
    const first = arrivedAt.current;
    arrivedAt.current = false;
    if (urlStep === 0) {
      setStep(0);
      return;
    }
    let current = true;
    void loadRules().then(({ reachableStep }) => {
      if (!current) return;
      const reachable = reachableStep(getValues(), urlStep);
      if (reachable < urlStep) {
        goTo(reachable, "replace");
        if (first) setRestartNotice(true);
        else void trigger(STEP_FIELDS[reachable], { shouldFocus: true });
      } else setStep(urlStep);
    });
    return () => {
      current = false;
    };
  }, [urlStep, getValues, goTo, trigger]);

  async function next() {
    if (step === 0 && noApplication) {
      setError("applicationId", { message: "Your organisation has no application yet. Add one on the Credentials page first." });
      document.getElementById("applicationId")?.focus();
      return;
    }
    const ok = await trigger(STEP_FIELDS[step], { shouldFocus: true });
    if (!ok) {
      // Checkbox groups: the first invalid checkbox once the error is shown, else the group itself.
      if (step === 1 || step === 2) setFocusInvalid((n) => n + 1);
      return;
    }
    if (step === 0) {
      setFormError(null);
      setCheckingAlias(true);
      try {
        const result = await checkKeyAliasAction({ alias: getValues("alias"), applicationId: getValues("applicationId") });
        if (!result.ok) {
          const fields = Object.entries(result.fieldErrors ?? {}).filter(([field]) => STEP_FIELDS[0]!.includes(field as FieldPath<NewKeyFormInput>));
          for (const [field, message] of fields) setError(field as FieldPath<NewKeyFormInput>, { message });
          if (fields.length) document.getElementById(fields[0]![0])?.focus();
          if (!fields.length) setFormError(result.error);
          return;
        }
      } catch {
        // The check only saves a wasted walk; creating the key checks the alias again.
      } finally {
        setCheckingAlias(false);
      }
    }
    setRestartNotice(false);
    goTo(Math.min(step + 1, STEPS.length - 1), "push");
  }

  function back() {
    // Undo the history entry that Continue added, so the browser's Back and this button agree.
    if (window.history.state?.wizardStep === step && step > 0) window.history.back();
    else goTo(step - 1, "replace");
  }

  // A started wizard warns before it is left: a reload or closed tab, a link elsewhere in the portal,
  // or a form outside the wizard such as sign-out.
  const started = (formState.isDirty || step > 0) && !created;
  useEffect(() => {
    if (!started) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (leaving.current) return;
      event.preventDefault();
      event.returnValue = "";
    };
    const confirmLeaving = (event: Event) => {
      if (leaving.current || window.confirm(LEAVE_MESSAGE)) {
        leaving.current = true;
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    };
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = (event.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!anchor || (anchor.target && anchor.target !== "_self") || anchor.hasAttribute("download")) return;
      const url = new URL(anchor.href, window.location.href);
      if (url.origin === window.location.origin && url.pathname === window.location.pathname) return;
      confirmLeaving(event);
    };
    const onSubmit = (event: SubmitEvent) => {
      const form = event.target as HTMLFormElement;
      if (root.current?.contains(form) || form.closest('[role="dialog"], [role="alertdialog"]')) return;
      confirmLeaving(event);
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    document.addEventListener("submit", onSubmit, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
      document.removeEventListener("submit", onSubmit, true);
    };
  }, [started]);

  function cancel() {
    if (started && !window.confirm(LEAVE_MESSAGE)) return;
    leaving.current = true;
    router.push("/keys");
  }

  const chosenAccounts = options.accounts.filter((a) => values.accountIds.includes(a.id));
  const allowlist = rules ? rules.allowlistOf(values.allowedIpsText) : [];
  const canMoveMoney = movesMoney(values.permissions);
  const currencies = [...new Set(chosenAccounts.map((a) => a.currency))];
  const limitCurrency = currencies.length === 1 ? currencies[0]! : null;
  const limits = canMoveMoney
    ? { maxPerPayment: rules?.limitOf(values.maxPerPaymentText) ?? null, maxPerDay: rules?.limitOf(values.maxPerDayText) ?? null }
    : { maxPerPayment: null, maxPerDay: null };
  const limitsInWords = rules?.describeLimits(limits, limitCurrency) ?? "";
  const expiresOn = formatDate(new Date(Date.now() + KEY_LIFETIME_DAYS * 86_400_000));
  const sentence = describeKey({
    mode: values.mode,
    permissions: values.permissions,
    accounts: chosenAccounts.map((a) => maskedNumber(a.number)),
    expiresOn,
  });

  async function create(stepUp: StepUp): Promise<PinOutcome> {
    setFormError(null);
    const { allowedIpsText, maxPerPaymentText: _perPayment, maxPerDayText: _perDay, ...key } = getValues();
    const { splitAllowlistText } = await loadRules();
    const result = await createKeyAction({ ...key, allowedIps: splitAllowlistText(allowedIpsText), ...limits, ...stepUp });
    if (result.ok) {
      setPinOpen(false);
      leaving.current = true;
      setCreated({ id: result.data.id, key: result.data.key, pendingApproval: result.data.pendingApproval });
      return { ok: true };
    }
    if (isStepUpRefusal(result.code)) return stepUpRefusal(result);
    setPinOpen(false);
    setFormError(result.error);
    const fields = Object.entries(result.fieldErrors ?? {});
    for (const [field, message] of fields) setError(formField(field), { message });
    if (fields.length) {
      const first = Math.min(...fields.map(([f]) => stepOfField(formField(f))));
      if (first !== step) goTo(first, "push");
    }
    toast.error(result.error);
    return { ok: true };
  }

  return (
    <div ref={root} className="grid gap-6 lg:grid-cols-[1fr_300px]" onFocusCapture={() => void loadRules()} onPointerDownCapture={() => void loadRules()}>
      <div>
        <Stepper step={step} />

        <Card className="p-4 sm:p-6">
          <form
            method="post"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (step < STEPS.length - 1) void next();
              else void form.handleSubmit(() => setPinOpen(true))();
            }}
          >
            <h2 ref={heading} tabIndex={-1} className="text-base font-semibold text-zinc-900 focus:outline-none">
              {STEP_HEADINGS[step]}
            </h2>
            <div className="mt-1 mb-5 text-sm text-zinc-600">
              {
                [
                  "An alias your team will recognise, and whether it works on live or test (sandbox) accounts.",
                  business ? "Pick companies, then the accounts of theirs the key may use." : "Pick the accounts the key may use.",
                  "Start from a preset and adjust. Permissions cannot be changed once the key exists.",
                  "Check everything once more. You will confirm it is you, then see the key once.",
                ][step]
              }
            </div>
            <FormAlert message={formError} />
            {restartNotice ? (
              <p role="status" className="mb-5 flex gap-2 rounded-md border border-sky-200 bg-sky-50 px-3 py-2.5 text-sm text-sky-900">
                <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
                What you entered was not kept when the page reloaded, so the wizard starts again here.
              </p>
            ) : null}

            {step === 0 ? (
              <div className="space-y-5">
                <Field id="alias" label="Alias" error={formState.errors.alias?.message} hint="For example “ERP nightly sync”.">
                  <Input
                    id="alias"
                    aria-invalid={formState.errors.alias ? true : undefined}
                    aria-describedby={formState.errors.alias ? "alias-error" : "alias-hint"}
                    {...register("alias")}
                  />
                </Field>
                <Field id="description" label="Description (optional)" error={formState.errors.description?.message}>
                  <textarea
                    id="description"
                    rows={2}
                    className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus-visible:border-accent-500 focus-visible:outline-2 focus-visible:outline-accent-500/40"
                    {...register("description")}
                  />
                </Field>
                <fieldset>
                  <legend className="text-sm font-medium text-zinc-800">Mode</legend>
                  <div className="mt-1.5 grid grid-cols-2 gap-3">
                    {(["live", "test"] as const).map((mode) => (
                      <label
                        key={mode}
                        className={cn(
                          "flex cursor-pointer gap-3 rounded-lg border p-3 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-500",
                          values.mode === mode ? "border-accent-500 bg-accent-50" : "border-zinc-200 hover:border-zinc-300",
                        )}
                      >
                        <input type="radio" value={mode} className="mt-1 accent-accent-600" {...register("mode")} />
                        <span>
                          <span className="flex items-center gap-2 text-sm font-medium text-zinc-900">
                            {mode === "live" ? "Live" : "Test"} {mode === "test" ? <Badge tone="test">Test</Badge> : null}
                          </span>
                          <span className="block text-xs text-zinc-600">
                            {mode === "live" ? "Real accounts and real money." : "Sandbox accounts only; safe for development."}
                          </span>
                        </span>
                      </label>
                    ))}
                  </div>
                </fieldset>
                {options.applications.length > 1 ? (
                  <Field id="applicationId" label="Application" error={formState.errors.applicationId?.message}>
                    <select
                      id="applicationId"
                      aria-invalid={formState.errors.applicationId ? true : undefined}
                      aria-describedby={formState.errors.applicationId ? "applicationId-error" : undefined}
                      className="block h-10 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm shadow-sm focus-visible:outline-2 focus-visible:outline-accent-500"
                      {...register("applicationId")}
                    >
                      {options.applications.map((a) => (
                        <option key={a.id} value={a.id}>
                          {a.name}
                        </option>
                      ))}
                    </select>
                  </Field>
                ) : (
                  <div className="space-y-1.5">
                    <p
                      id="applicationId"
                      tabIndex={-1}
                      aria-describedby={formState.errors.applicationId ? "applicationId-error" : noApplication ? "applicationId-missing" : undefined}
                      className="text-sm text-zinc-600 focus:outline-none"
                    >
                      Application: <span className="font-medium text-zinc-900">{options.applications[0]?.name ?? "none yet"}</span>
                    </p>
                    {noApplication ? (
                      <p id="applicationId-missing" className="text-sm text-zinc-600">
                        Keys belong to an application, which holds the client ID and secret they are used with.{" "}
                        {options.canManageCredentials && options.orgKind === "business" ? (
                          <Link href="/credentials" className="font-medium text-accent-700 underline underline-offset-2">
                            Add an application on the Credentials page
                          </Link>
                        ) : (
                          "Ask your Superadmin to add one on the Credentials page."
                        )}
                      </p>
                    ) : null}
                    {formState.errors.applicationId ? (
                      <p id="applicationId-error" className="text-sm text-red-700">
                        {formState.errors.applicationId.message}
                      </p>
                    ) : null}
                  </div>
                )}
              </div>
            ) : null}

            {step === 1 ? (
              <div className="space-y-5">
                {business ? (
                  <fieldset tabIndex={-1} aria-describedby={formState.errors.companyIds ? "companyIds-error" : undefined} className="focus:outline-none">
                    <legend className="text-sm font-medium text-zinc-800">Companies</legend>
                    <div className="mt-1.5 space-y-2">
                      {options.companies.map((company) => (
                        <label key={company.id} className="flex items-center gap-2.5 rounded-md border border-zinc-200 px-3 py-2.5 text-sm hover:bg-zinc-50">
                          <input
                            type="checkbox"
                            value={company.id}
                            className="size-4 accent-accent-600"
                            aria-invalid={formState.errors.companyIds ? true : undefined}
                            {...register("companyIds", { onChange: recheck("companyIds") })}
                          />
                          {company.name}
                        </label>
                      ))}
                    </div>
                    {formState.errors.companyIds ? (
                      <p id="companyIds-error" role="alert" className="mt-1.5 text-sm text-red-700">
                        {formState.errors.companyIds.message ?? "Choose at least one company"}
                      </p>
                    ) : null}
                  </fieldset>
                ) : null}
                <fieldset tabIndex={-1} aria-describedby={formState.errors.accountIds ? "accountIds-error" : undefined} className="focus:outline-none">
                  <legend className="text-sm font-medium text-zinc-800">{values.mode === "live" ? "Live accounts" : "Test accounts"}</legend>
                  {visibleAccounts.length === 0 ? (
                    <p className="mt-1.5 text-sm text-zinc-500">{business ? "Choose a company to see its accounts." : "There are no accounts of this mode."}</p>
                  ) : (
                    <div className="mt-1.5 space-y-2">
                      {visibleAccounts.map((account) => (
                        <label key={account.id} className="flex items-center gap-2.5 rounded-md border border-zinc-200 px-3 py-2.5 text-sm hover:bg-zinc-50">
                          <input
                            type="checkbox"
                            value={account.id}
                            className="size-4 accent-accent-600"
                            aria-invalid={formState.errors.accountIds ? true : undefined}
                            {...register("accountIds", { onChange: recheck("accountIds") })}
                          />
                          <span className="flex-1">{account.name}</span>
                          <span className="font-mono text-xs text-zinc-500">
                            {account.currency} {maskedNumber(account.number)}
                          </span>
                          {account.mode === "test" ? <Badge tone="test">Test</Badge> : null}
                        </label>
                      ))}
                    </div>
                  )}
                  {formState.errors.accountIds ? (
                    <p id="accountIds-error" role="alert" className="mt-1.5 text-sm text-red-700">
                      {formState.errors.accountIds.message}
                    </p>
                  ) : null}
                </fieldset>
                <div className="space-y-1.5 border-t border-zinc-100 pt-5">
                  <label htmlFor="allowedIpsText" className="block text-sm font-medium text-zinc-800">
                    Allowed IP addresses (optional)
                  </label>
                  <p id="allowedIpsText-hint" className="text-sm text-zinc-600">
                    One IPv4 or IPv6 address or CIDR range per line, up to 20, such as <span className="font-mono">203.0.113.7</span> or{" "}
                    <span className="font-mono">10.0.0.0/8</span>. Calls from anywhere else are refused. Leave it empty to allow any address.
                  </p>
                  <Textarea
                    id="allowedIpsText"
                    rows={3}
                    spellCheck={false}
                    autoComplete="off"
                    aria-invalid={formState.errors.allowedIpsText ? true : undefined}
                    aria-describedby={formState.errors.allowedIpsText ? "allowedIpsText-hint allowedIpsText-error" : "allowedIpsText-hint"}
                    {...register("allowedIpsText", { onChange: () => form.getFieldState("allowedIpsText").error && void trigger("allowedIpsText") })}
                  />
                  {formState.errors.allowedIpsText ? (
                    <p id="allowedIpsText-error" role="alert" className="text-sm text-red-700">
                      {formState.errors.allowedIpsText.message}
                    </p>
                  ) : null}
                </div>
              </div>
            ) : null}

            {step === 2 ? (
              <PermissionMatrix
                products={options.products}
                value={values.permissions}
                onChange={(permissions) => setValue("permissions", permissions, { shouldValidate: true, shouldDirty: true })}
                error={formState.errors.permissions?.message ?? formState.errors.permissions?.root?.message}
                errorId="permissions-error"
              />
            ) : null}
            {step === 2 && canMoveMoney ? (
              <div className="mt-6 border-t border-zinc-100 pt-5">
                <fieldset>
                  <legend className="text-sm font-medium text-zinc-800">Payment limits (optional)</legend>
                  <p className="mt-1 text-sm text-zinc-600">
                    This key can move money. Cap what it moves {limitCurrency ? `in ${limitCurrency}` : "in each account's own currency"}; leave a field empty
                    for no limit. Days are UTC days.
                  </p>
                  <div className="mt-3 grid gap-4 sm:grid-cols-2">
                    {(
                      [
                        ["maxPerPaymentText", "Most per transfer or payment"],
                        ["maxPerDayText", "Most per day"],
                      ] as const
                    ).map(([name, label]) => (
                      <div key={name} className="space-y-1.5">
                        <label htmlFor={name} className="block text-sm font-medium text-zinc-800">
                          {label}
                          {limitCurrency ? ` (${limitCurrency})` : ""}
                        </label>
                        <Input
                          id={name}
                          inputMode="decimal"
                          autoComplete="off"
                          placeholder="No limit"
                          aria-invalid={formState.errors[name] ? true : undefined}
                          aria-describedby={formState.errors[name] ? `${name}-error` : undefined}
                          {...register(name, { onChange: () => form.getFieldState(name).error && void trigger(name) })}
                        />
                        {formState.errors[name] ? (
                          <p id={`${name}-error`} role="alert" className="text-sm text-red-700">
                            {formState.errors[name]?.message}
                          </p>
                        ) : null}
                      </div>
                    ))}
                  </div>
                </fieldset>
              </div>
            ) : null}

            {step === 3 ? (
              <div className="space-y-4">
                <p className="rounded-lg border border-zinc-200 bg-zinc-50 p-4 text-sm leading-relaxed text-zinc-800" data-testid="review-sentence">
                  {sentence} {allowlist.length ? `It can be used ${rules?.describeAllowlist(allowlist).toLowerCase()}.` : "It can be used from any address."}
                  {limits.maxPerPayment !== null || limits.maxPerDay !== null ? ` It moves ${limitsInWords.replace(/^At most/, "at most")}.` : ""}
                </p>
                <dl className="grid grid-cols-[9rem_1fr] gap-y-2 text-sm">
                  <dt className="text-zinc-500">Alias</dt>
                  <dd className="font-medium">{values.alias}</dd>
                  {values.description ? (
                    <>
                      <dt className="text-zinc-500">Description</dt>
                      <dd>{values.description}</dd>
                    </>
                  ) : null}
                  <dt className="text-zinc-500">Application</dt>
                  <dd>{options.applications.find((a) => a.id === values.applicationId)?.name}</dd>
                  <dt className="text-zinc-500">Permissions</dt>
                  <dd>
                    <span className="font-medium">{PRESET_LABELS[presetOf(values.permissions, options.products)]}</span>
                    <span className="block text-zinc-600">{permissionsInWords(values.permissions)}</span>
                  </dd>
                  <dt className="text-zinc-500">Used from</dt>
                  <dd className="break-words" data-testid="review-allowlist">
                    {rules?.describeAllowlist(allowlist)}
                  </dd>
                  {canMoveMoney ? (
                    <>
                      <dt className="text-zinc-500">Payment limits</dt>
                      <dd data-testid="review-limits">{limitsInWords}</dd>
                    </>
                  ) : null}
                </dl>
                <ThirdPartyWarning />
              </div>
            ) : null}

            <div className="mt-8 flex items-center justify-between border-t border-zinc-100 pt-5">
              {step > 0 ? (
                <Button type="button" variant="secondary" onClick={back}>
                  <ArrowLeft aria-hidden /> Back
                </Button>
              ) : (
                <Button type="button" variant="ghost" onClick={cancel}>
                  Cancel
                </Button>
              )}
              <Button type="submit" disabled={!hydrated || checkingAlias} aria-busy={checkingAlias || undefined}>
                {checkingAlias ? (
                  <>
                    <Loader2 className="animate-spin" aria-hidden /> Checking the alias…
                  </>
                ) : step < STEPS.length - 1 ? (
                  <>
                    Continue <ArrowRight aria-hidden />
                  </>
                ) : (
                  "Create key"
                )}
              </Button>
            </div>
          </form>
        </Card>
      </div>

      <aside aria-label="Summary" className="h-fit rounded-lg border border-zinc-200 bg-white p-5 text-sm shadow-xs lg:sticky lg:top-6">
        <h2 className="font-semibold text-zinc-900">Summary</h2>
        <dl className="mt-3 space-y-3">
          <div>
            <dt className="text-xs text-zinc-500">Alias</dt>
            <dd className="font-medium break-words text-zinc-900">{values.alias || "—"}</dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Mode</dt>
            <dd>{values.mode === "test" ? <Badge tone="test">Test</Badge> : "Live"}</dd>
          </div>
          {business ? (
            <div>
              <dt className="text-xs text-zinc-500">Companies</dt>
              <dd>
                {options.companies
                  .filter((c) => values.companyIds.includes(c.id))
                  .map((c) => c.name)
                  .join(", ") || "—"}
              </dd>
            </div>
          ) : null}
          <div>
            <dt className="text-xs text-zinc-500">Accounts</dt>
            <dd className="font-mono text-xs">
              {chosenAccounts.length ? chosenAccounts.map((a) => `${a.currency} ${maskedNumber(a.number)}`).join(", ") : "—"}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Permissions</dt>
            <dd>{values.permissions.length ? `${PRESET_LABELS[presetOf(values.permissions, options.products)]} · ${values.permissions.length}` : "—"}</dd>
          </div>
          {canMoveMoney ? (
            <div>
              <dt className="text-xs text-zinc-500">Payment limits</dt>
              <dd className="text-zinc-900">{limitsInWords}</dd>
            </div>
          ) : null}
          <div>
            <dt className="text-xs text-zinc-500">Used from</dt>
            <dd className="break-words text-zinc-900">{allowlist.length ? allowlist.join(", ") : "Any address"}</dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Expires</dt>
            <dd>
              {expiresOn} (in {KEY_LIFETIME_DAYS} days)
            </dd>
          </div>
        </dl>
      </aside>

      <LazyStepUpDialog
        open={pinOpen}
        onOpenChange={setPinOpen}
        title="Create the key"
        description={<>Create “{values.alias}”. The key is shown once, right after this.</>}
        confirmLabel="Create key"
        onSubmit={create}
      />
      <SecretModal
        secret={created?.key ?? null}
        title={`“${values.alias}” is ready`}
        onDone={() => {
          const id = created?.id;
          setCreated(null);
          toast.success("API key created");
          router.push(id ? `/keys/${id}` : "/keys");
          router.refresh();
        }}
      >
        {created?.pendingApproval ? (
          <p role="status" className="mt-3 rounded-md border border-sky-200 bg-sky-50 px-3 py-2.5 text-sm text-sky-900">
            Your organisation needs a second person for keys that can move money: this key works once another member approves it.
          </p>
        ) : null}
      </SecretModal>
    </div>
  );
}

/**
 * Where the person is: below 640 px one line ("Step 2 of 4 · Choose what it can reach"), wider the full
 * row. Either way the current step is aria-current="step" and finished steps say "completed".
 */
function Stepper({ step }: { step: number }) {
  return (
    <div className="mb-5">
      <p className="text-sm text-zinc-600 sm:hidden">
        <span className="font-medium text-zinc-900">
          Step {step + 1} of {STEPS.length}
        </span>{" "}
        · {STEP_HEADINGS[step]}
      </p>
      <ol aria-label="Steps" className="hidden flex-wrap items-center gap-2 text-sm sm:flex">
        {STEPS.map((label, i) => (
          <li key={label} className="flex items-center gap-2" aria-current={i === step ? "step" : undefined}>
            <span
              className={cn(
                "grid size-6 place-items-center rounded-full text-xs font-semibold forced-colors:border",
                i < step
                  ? "bg-accent-600 text-white"
                  : i === step
                    ? "bg-accent-100 text-accent-700 ring-2 ring-accent-500 forced-colors:border-2 forced-colors:border-[Highlight]"
                    : "bg-zinc-200 text-zinc-600",
              )}
              aria-hidden
            >
              {i < step ? <Check className="size-3.5" /> : i + 1}
            </span>
            <span className={cn("font-medium", i === step ? "text-zinc-900" : "text-zinc-600")}>
              {label}
              {i < step ? <span className="sr-only"> (completed)</span> : null}
            </span>
            {i < STEPS.length - 1 ? <span className="mx-1 h-px w-8 bg-zinc-300" aria-hidden /> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Seed 002's warning, where a key is reviewed before it exists. */
export function ThirdPartyWarning() {
  return (
    <div className="flex gap-2.5 rounded-md border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900" data-testid="third-party-warning">
      <ShieldAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      <p>
        <strong className="font-semibold">Never give this key to a third party.</strong> Anyone holding it can act as your organisation, with everything this
        key allows. Someone asking you for API access may be a fraudster.
      </p>
    </div>
  );
}
