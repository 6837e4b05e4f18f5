// Frames built by lora-packet 0.9.3 (the library the server uses), pinned here so that both the
// VM test (src/lorawan/lorawan.vmtest.ts) and the Node test (test/lorawan-frames.test.ts) check
// our code against the same bytes. The Node test rebuilds every vector with lora-packet, so a
// vector cannot drift from what lora-packet produces. Keys are test values, never real ones.

export const TEST_DEVADDR = "26011bda"
export const TEST_NWKSKEY = "44024241ed4ce9a68c6a8bc055233fd3"
export const TEST_APPSKEY = "ec925802ae430ca77fd3dd73cb2cc588"
export const TEST_APPKEY = "b6b53f4a168a7a88bdf7ea135ce9cfca"
export const TEST_DEVEUI = "0004a30b001c0530"
export const TEST_JOINEUI = "70b3d57ed0000001"

export interface DataFrameVector {
    name: string
    confirmed: boolean
    uplink: boolean
    /** FCtrl bits: ADR, ADRACKReq (up) / FPending (down), ACK. */
    adr: boolean
    adrAckReq: boolean
    ack: boolean
    framePending: boolean
    fCnt: number
    fOpts: string
    fPort: number
    /** Plain FRMPayload. */
    payload: string
    hex: string
}

function iota(n: number): string {
    const digits = "0123456789abcdef"
    let s = ""
    for (let i = 0; i < n; i++) s += digits.charAt((i >> 4) & 15) + digits.charAt(i & 15)
    return s
}

function repeat(byteHex: string, n: number): string {
    let s = ""
    for (let i = 0; i < n; i++) s += byteHex
    return s
}

export const DATA_FRAME_VECTORS: DataFrameVector[] = [
    {
        name: "unconfirmed uplink, FPort 1, ADR",
        confirmed: false,
        uplink: true,
        adr: true,
        adrAckReq: false,
        ack: false,
        framePending: false,
        fCnt: 1,
        fOpts: "",
        fPort: 1,
        payload: "68656c6c6f20726565666c696e6b",
        hex: "40da1b012680010001a63c4d1cda68d7e98cc04c709ee4cf5b7be6",
    },
    {
        name: "confirmed uplink, FCnt above 16 bits, FOpts LinkADRAns, 51 bytes",
        confirmed: true,
        uplink: true,
        adr: true,
        adrAckReq: false,
        ack: true,
        framePending: false,
        fCnt: 70000,
        fOpts: "0307",
        fPort: 2,
        payload: repeat("a5", 51),
        hex: "80da1b0126a27011030702d16630381254eded80f55b3073c98341196a47cd09c82bfda809ef391c2232d8726ebdc1158812094f994337db917be740b435c30b2071",
    },
    {
        name: "unconfirmed uplink, 242 bytes, FCnt 0x12345678, ADRACKReq",
        confirmed: false,
        uplink: true,
        adr: false,
        adrAckReq: true,
        ack: false,
        framePending: false,
        fCnt: 305419896,
        fOpts: "",
        fPort: 3,
        payload: iota(242),
        hex:
            "40da1b012640785603b623cf01fdd9a6f1967a0e5e87add7adde8c072f0fb662a86af48c13117c501a13adfd72169efcf2c0e484918d43d49efdd662d4f9e5b286c15f5ec33cecc12b6dcae05430aceabcf0102bfe963b3aa7c17df44c2b3b2825343595b6d07db584c0d33c28893ba122d862847f14029bedad4ac696ff50f51ad18cbb524ab532ef77bae328aff2abc5b2327874756a7e51d7ca601b4b537f73d528932ebd8b462eca4d71997759ad0c3560e00934fc835ca63a7f268e5c6e99964feca2c969c855f87a0c62bbfd7689b01774f0c1149e2b8abf52f805eada68ee0f0f85cbab12fefdf1fbf144b32aef47f948d094e6ff770e9d26110e30",
    },
    {
        name: "unconfirmed uplink, FPort without payload, FOpts RXParamSetupAns, FCnt 65535",
        confirmed: false,
        uplink: true,
        adr: false,
        adrAckReq: false,
        ack: false,
        framePending: false,
        fCnt: 65535,
        fOpts: "0506",
        fPort: 4,
        payload: "",
        hex: "40da1b012602ffff05060451dcb0e6",
    },
    {
        name: "unconfirmed downlink, FOpts DevStatusReq + LinkCheckAns, FPort 10",
        confirmed: false,
        uplink: false,
        adr: true,
        adrAckReq: false,
        ack: false,
        framePending: false,
        fCnt: 5,
        fOpts: "06020a03",
        fPort: 10,
        payload: "0102030405",
        hex: "60da1b012684050006020a030a0ce27e722c5af45299",
    },
    {
        name: "confirmed downlink, ACK + FPending, FPort 0 LinkADRReq + RXParamSetupReq, FCnt 65537",
        confirmed: true,
        uplink: false,
        adr: false,
        adrAckReq: false,
        ack: true,
        framePending: true,
        fCnt: 65537,
        fOpts: "",
        fPort: 0,
        payload: "03500700010503d2ad84",
        hex: "a0da1b012630010000687d00385a08aa3d28412e47a19d",
    },
]

/** Join-request with DevNonce 0 and 0x0102, and two Join-accepts (with and without CFList). */
export const JOIN_REQUEST_VECTORS = [
    { devNonce: 0, hex: "00010000d07ed5b37030051c000ba3040000002dd63da7" },
    { devNonce: 258, hex: "00010000d07ed5b37030051c000ba304000201344af860" },
]

export const JOIN_ACCEPT_VECTORS = [
    {
        name: "Join-accept with an EU868 CFList (867.1..867.9 MHz)",
        hex: "20395dac388f4651b1fac3d622f44ef184b9c9d39cc6c6f6886a3d0297fb764b6d",
        joinNonce: 1,
        netId: 0x13,
        devAddr: "260b1234",
        dlSettings: 0x03,
        rxDelay: 1,
        cfList: "184f84e85684b85e84886684586e8400",
        /** Session keys for DevNonce 0 (lora-packet generateSessionKeys). */
        devNonce: 0,
        nwkSKey: "2eb7a6f2727443f33cb9df9148dd5d29",
        appSKey: "e1cb13d6e2461ddcd128ef810be8c95b",
    },
    {
        name: "Join-accept without CFList, RX1DROffset 1, RxDelay 5",
        hex: "20ef0922f8af508a497be18b7ec57d7587",
        joinNonce: 2,
        netId: 0x13,
        devAddr: "260b1235",
        dlSettings: 0x13,
        rxDelay: 5,
        cfList: "",
        devNonce: 0,
        nwkSKey: "",
        appSKey: "",
    },
]
