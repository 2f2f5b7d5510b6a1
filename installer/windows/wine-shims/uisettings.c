/* Test aid for Wine 8 only; never shipped. Windows 10/11 provide the WinRT class
 * Windows.UI.ViewManagement.UISettings, which Qt 6.8's Windows platform plugin asks for the
 * system's accent and base colours when the application starts; Wine 8 has no such class and
 * Qt stops (an unhandled C++/WinRT exception). This DLL gives a minimal UISettings whose
 * GetColorValue returns the colours of a default light Windows 10 theme, so the desktop can be
 * looked at under Wine. Register it in the Wine prefix under
 * HKLM\Software\Microsoft\WindowsRuntime\ActivatableClassId\Windows.UI.ViewManagement.UISettings
 * (DllPath). Every interface asked for is answered with the same object, whose first method
 * after IInspectable is IUISettings3::GetColorValue; all further methods return E_NOTIMPL. */
#define COBJMACROS
#include <windows.h>
#include <stdint.h>

typedef struct { BYTE A, R, G, B; } Color;
typedef HRESULT (WINAPI *Method)(void *self);

static ULONG WINAPI add_ref(void *self) { (void)self; return 2; }
static ULONG WINAPI release(void *self) { (void)self; return 1; }
static HRESULT WINAPI not_impl(void *self) { (void)self; return E_NOTIMPL; }
static HRESULT WINAPI get_iids(void *self, ULONG *count, GUID **iids)
{
    (void)self; *count = 0; *iids = NULL; return S_OK;
}
static HRESULT WINAPI trust_level(void *self, int *level) { (void)self; *level = 0; return S_OK; }

/* UIColorType: Background 0, Foreground 1, AccentDark3..AccentDark1 2..4, Accent 5,
 * AccentLight1..3 6..8, Complement 9 */
static HRESULT WINAPI get_color_value(void *self, int type, Color *out)
{
    static const Color colors[] = {
        {255, 255, 255, 255}, {255, 0, 0, 0}, {255, 0, 38, 81}, {255, 0, 66, 117}, {255, 0, 90, 158},
        {255, 0, 120, 215}, {255, 0, 145, 248}, {255, 76, 194, 255}, {255, 153, 235, 255}, {255, 255, 255, 255},
    };
    (void)self;
    *out = (type >= 0 && type < 10) ? colors[type] : colors[0];
    return S_OK;
}

/* ---- the UISettings object */
static HRESULT WINAPI settings_qi(void *self, REFIID iid, void **out);
static void *settings_vtbl[64];
static struct { void **vtbl; } settings = { settings_vtbl };

static HRESULT WINAPI settings_qi(void *self, REFIID iid, void **out)
{
    (void)self; (void)iid; *out = &settings; return S_OK;
}

/* ---- its activation factory */
static HRESULT WINAPI factory_qi(void *self, REFIID iid, void **out);
static HRESULT WINAPI activate_instance(void *self, void **instance)
{
    (void)self; *instance = &settings; return S_OK;
}
static void *factory_vtbl[7] = {
    (void *)factory_qi, (void *)add_ref, (void *)release, (void *)get_iids, (void *)not_impl,
    (void *)trust_level, (void *)activate_instance,
};
static struct { void **vtbl; } factory = { factory_vtbl };

static HRESULT WINAPI factory_qi(void *self, REFIID iid, void **out)
{
    (void)self; (void)iid; *out = &factory; return S_OK;
}

__declspec(dllexport) HRESULT WINAPI DllGetActivationFactory(void *class_id, void **out)
{
    (void)class_id;
    if (!settings_vtbl[0]) {
        int i;
        for (i = 0; i < 64; i++)
            settings_vtbl[i] = (void *)not_impl;
        settings_vtbl[0] = (void *)settings_qi;
        settings_vtbl[1] = (void *)add_ref;
        settings_vtbl[2] = (void *)release;
        settings_vtbl[3] = (void *)get_iids;
        settings_vtbl[5] = (void *)trust_level;
        settings_vtbl[6] = (void *)get_color_value;
    }
    *out = &factory;
    return S_OK;
}

__declspec(dllexport) HRESULT WINAPI DllCanUnloadNow(void) { return S_FALSE; }
