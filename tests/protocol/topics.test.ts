import { describe, expect, it } from "vitest";
import { replCall } from "../../protocol/repl.ts";
import { allDevicesTopic, deviceOfTopic, deviceStateTopic, downTopic, gatewayStateTopic, upTopic } from "../../protocol/topics.ts";

describe("MQTT topic layout", () => {
  it("builds the documented topics", () => {
    expect(upTopic("lb", "A1")).toBe("lb/v1/dev/A1/up");
    expect(downTopic("lb", "A1")).toBe("lb/v1/dev/A1/down");
    expect(deviceStateTopic("lb", "A1")).toBe("lb/v1/dev/A1/state");
    expect(gatewayStateTopic("shop")).toBe("shop/v1/gw/state");
    expect(allDevicesTopic("lb", "up")).toBe("lb/v1/dev/+/up");
  });

  it.each([
    ["lb/v1/dev/A1/up", "A1"],
    ["lb/v1/dev/33ffd605-41573033-15720843/state", "33ffd605-41573033-15720843"],
    ["lb/v1/dev//up", undefined],
    ["lb/v1/dev/A1/up/extra", undefined],
    ["other/v1/dev/A1/up", undefined],
    ["lb/v1/gw/state", undefined],
  ])("finds the device of %s", (topic, device) => {
    expect(deviceOfTopic("lb", topic)).toBe(device);
  });
});

describe("REPL form of a down frame", () => {
  it("is one call of LB with the frame as a string literal", () => {
    const frame = '~LB1|{"t":"query","d":"A1"}|0badc0de';
    const call = replCall(frame + "\n");
    expect(call).toBe('\x10LB("~LB1|{\\"t\\":\\"query\\",\\"d\\":\\"A1\\"}|0badc0de")\n');
    let got: unknown;
    new Function("LB", call.slice(1))((f: string) => (got = f));
    expect(got).toBe(frame);
  });
});
