// Published test vectors for the crypto, shared by the Node tests (test/lorawan-crypto.test.ts)
// and the VM test (src/lorawan/lorawan.vmtest.ts), so both runtimes check the same numbers.

/** FIPS-197 Appendix B (cipher example) and Appendix C.1 (AES-128 example vector). */
export const FIPS197_VECTORS = [
    {
        name: "FIPS-197 Appendix B",
        key: "2b7e151628aed2a6abf7158809cf4f3c",
        plaintext: "3243f6a8885a308d313198a2e0370734",
        ciphertext: "3925841d02dc09fbdc118597196a0b32",
    },
    {
        name: "FIPS-197 Appendix C.1",
        key: "000102030405060708090a0b0c0d0e0f",
        plaintext: "00112233445566778899aabbccddeeff",
        ciphertext: "69c4e0d86a7b0430d8cdb78070b4c55a",
    },
]

/** RFC 4493 §4 (AES-CMAC test vectors), all with the same key. */
export const RFC4493_KEY = "2b7e151628aed2a6abf7158809cf4f3c"
export const RFC4493_VECTORS = [
    { name: "RFC 4493 Example 1 (empty)", message: "", mac: "bb1d6929e95937287fa37d129b756746" },
    { name: "RFC 4493 Example 2 (16 bytes)", message: "6bc1bee22e409f96e93d7e117393172a", mac: "070a16b46b4d4144f79bdd9dd04a287c" },
    {
        name: "RFC 4493 Example 3 (40 bytes)",
        message: "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411",
        mac: "dfa66747de9ae63030ca32611497c827",
    },
    {
        name: "RFC 4493 Example 4 (64 bytes)",
        message:
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
        mac: "51f0bebf7e3b9d92fc49741779363cfe",
    },
]
