// Long crypto work has to give the DeviceScript VM a chance to run: the VM kills a fiber that
// executes 128 Ki opcodes without yielding (DEVS_MAX_STEPS, "Exception: InfiniteLoop"). One AES
// block costs ~2 700 opcodes there (measured: 44 blocks in one slice pass, 50 do not), about
// 3 200 with the CTR / CMAC bookkeeping around it. The crypto stays synchronous and
// runtime-neutral; callers that chain many blocks await a Pause between stages, each stage being
// at most 17 blocks (a 255-byte frame's MIC).

/** Yields to the scheduler: `async () => { await ds.sleep(0) }` on the buoy, a no-op in Node. */
export type Pause = () => Promise<void>

/** For Node and for tests that run few blocks. */
export const NO_PAUSE: Pause = async () => {}
