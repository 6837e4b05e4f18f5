// The payload codec (@reeflink/codecs), as the firmware sees it: the one place the firmware
// imports it from, plus the VM-friendly way to run its frame encoder.
import { sleep } from "@devicescript/core"
import { EncodedBatch, MeasurementEncoder, MeasurementSample, Result } from "@reeflink/codecs"

export * from "@reeflink/codecs"

/**
 * encodeMeasurements for the DeviceScript VM: the VM stops a fiber that runs about 130 000
 * instructions without yielding, so the encoder runs in steps with a yield between them.
 */
export async function encodeMeasurementsYielding(samples: MeasurementSample[], budgetBytes: number): Promise<Result<EncodedBatch>> {
    const encoder = new MeasurementEncoder(samples, budgetBytes)
    while (!encoder.step()) await sleep(0)
    return encoder.output()
}
