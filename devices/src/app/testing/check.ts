// Test cases that run unchanged in the DeviceScript VM (devs run … --test) and in Node (vitest):
// each case is an async function that throws on the first failed check. The two runners are
// src/*/…vmtest.ts (VM) and devices/test/*.test.ts (Node).
import { firstDifference } from "../../deep-equal.js"
import { TimedResult } from "../ports.js"

/** What a case needs from the runtime it runs in. */
export interface TestEnv {
    yieldNow(): Promise<void>
    withTimeout<T>(op: () => Promise<T>, ms: number): Promise<TimedResult<T>>
    /** A promise that never settles: a hung sensor or radio. */
    hang<T>(): Promise<T>
}

export interface TestCase {
    name: string
    run: (env: TestEnv) => Promise<void>
}

export class CheckFailure extends Error {
    constructor(message: string) {
        super(message)
        this.name = "CheckFailure"
    }
}

function show(x: any): string {
    return x === undefined ? "undefined" : JSON.stringify(x)
}

/** Structural equality (JSON-like values). */
export function checkEqual(actual: any, expected: any, what: string): void {
    const d = firstDifference(actual, expected, what)
    if (d !== null) throw new CheckFailure(d)
}

export function checkTrue(condition: boolean, what: string): void {
    if (!condition) throw new CheckFailure(what)
}

export function checkNear(actual: number, expected: number, tolerance: number, what: string): void {
    if (!(Math.abs(actual - expected) <= tolerance)) throw new CheckFailure(what + ": " + actual + " is not within " + tolerance + " of " + expected)
}

/** Runs `op` and checks that it throws an error whose message starts with `code` (SensorError codes). */
export async function checkThrows(op: () => Promise<any>, code: string, what: string): Promise<void> {
    let message: string | null = null
    try {
        await op()
    } catch (e) {
        message = (e as Error).message
    }
    if (message === null) throw new CheckFailure(what + ": did not throw")
    if (message.indexOf(code) !== 0) throw new CheckFailure(what + ": threw " + show(message) + ", expected code " + code)
}
