// Structural comparison for DeviceScript tests (no util.isDeepStrictEqual in the VM).
// Properties whose value is undefined count as absent, as in JSON.

function definedKeys(o: any): string[] {
    const keys: string[] = []
    for (const k of Object.keys(o)) {
        if (o[k] !== undefined) keys.push(k)
    }
    return keys
}

function show(x: any): string {
    if (x === undefined) return "undefined"
    return JSON.stringify(x)
}

/** Returns null when a and b are equal, else the path and values of the first difference. */
export function firstDifference(a: any, b: any, path: string): string | null {
    if (a === b) return null
    const aArr = Array.isArray(a)
    const bArr = Array.isArray(b)
    if (aArr || bArr) {
        if (!aArr || !bArr) return path + ": " + show(a) + " vs " + show(b)
        if (a.length !== b.length)
            return path + ": length " + a.length + " vs " + b.length
        for (let i = 0; i < a.length; i++) {
            const d = firstDifference(a[i], b[i], path + "[" + i + "]")
            if (d !== null) return d
        }
        return null
    }
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
        const ka = definedKeys(a)
        const kb = definedKeys(b)
        // Key order is not significant (and Array.sort does not order strings in the VM).
        let sameKeys = ka.length === kb.length
        for (const k of ka) if (kb.indexOf(k) < 0) sameKeys = false
        if (!sameKeys)
            return path + ": keys {" + ka.join(",") + "} vs {" + kb.join(",") + "}"
        for (const k of ka) {
            const d = firstDifference(a[k], b[k], path + "." + k)
            if (d !== null) return d
        }
        return null
    }
    return path + ": " + show(a) + " vs " + show(b)
}
