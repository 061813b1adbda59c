// The store conformance suite (see store-conformance.test.ts), on Khoros's failure events: each kept whole,
// once per trackingId, found by it and listed newest first.
import { describe, expect, it } from "vitest";
import type { CrmStore } from "../reference-crm/stores/store.js";
import { failureEvent, openForEachTest, storesUnderTest } from "./support/stores-under-test.js";

describe.each(storesUnderTest)("the $name store's failure events", (underTest) => {
  let store: CrmStore;
  openForEachTest(underTest, (opened) => (store = opened));

  it("keeps each event whole, once per trackingId, found by it, listed newest first up to the limit", async () => {
    const fixtures = ["spec-refuses.json", "crm-answered-500.json", "succeeds-now.json"];
    const events = fixtures.map((fixture, i) => failureEvent(fixture, `t-${i} ✓`));
    const day = (n: number) => `2026-12-0${n}T10:00:00.000Z`;
    for (const [i, event] of events.entries()) expect(await store.addFailureEvent(event, day(i + 1))).toBe(true);
    expect(await store.getFailureEvent("t-1 ✓")).toEqual({ receivedAt: day(2), event: events[1] });
    expect(await store.getFailureEvent("t-9")).toBeUndefined();
    const latest = await store.listFailureEvents(2);
    expect(latest.map((stored) => stored.event.trackingId)).toEqual(["t-2 ✓", "t-1 ✓"]);
    expect(latest[0]).toEqual({ receivedAt: day(3), event: events[2] });
    // The same trackingId again, even with another body, changes nothing.
    expect(await store.addFailureEvent({ ...events[2]!, trackingId: "t-0 ✓", operation: "changed" })).toBe(false);
    expect(await store.getFailureEvent("t-0 ✓")).toEqual({ receivedAt: day(1), event: events[0] });
    expect(await store.listFailureEvents(10)).toHaveLength(3);
  });

  it("keeps one of several posts of one trackingId at once, and any text (Unicode, U+0000) in an event", async () => {
    const event = failureEvent("crm-answered-500.json", "same");
    event.description = "Zoë 日本語 😀 \u0000 \u00010 end";
    const added = await Promise.all(Array.from({ length: 10 }, () => store.addFailureEvent(event)));
    expect(added.filter(Boolean)).toHaveLength(1);
    expect((await store.getFailureEvent("same"))!.event).toEqual(event);
    expect(await store.listFailureEvents(10)).toHaveLength(1);
  });
});
