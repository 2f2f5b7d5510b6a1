/* Test aid for Wine 8 only; never shipped. Windows 10/11 have bcryptprimitives.dll, whose
 * ProcessPrng the Rust-built extensions (cryptography, rpds-py, python-calamine) import; Wine 8 has
 * no such DLL. This one gives ProcessPrng from RtlGenRandom so those modules load under Wine. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
