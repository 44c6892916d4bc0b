// Starlark's built-in object types and the parts of value semantics that belong to a type: how
// each prints, hashes, freezes and compares for equality, and the Heap that owns objects.
//
// Memory. Every Object links itself into the thread's current Heap (if any) when constructed and
// unlinks itself when its reference count drops to zero. Dropping a Heap must also free what
// counting cannot: cycles (`x = []; x.append(x)`). The Heap does it in three passes over a
// snapshot of its objects: pin each one (+1), ask each to release its children (clearChildren),
// which breaks every cycle while the pins keep all of them alive, then drop the pins, so that
// each object whose only references came from other heap objects reaches zero and is deleted in
// the ordinary way. Nothing is ever touched after it is freed: an object can only be deleted
// once its own pin is gone, and after that the Heap does not look at it again. An object still
// referenced from outside the heap survives, unlinked, and is freed by its last reference.
//
// Printing. Containers pass a `path` of the lists and dicts being printed, so that a list that
// contains itself prints as [...] (go.starlark.net's writeValue); elements are always printed
// quoted. Strings are quoted with Go's strconv.Quote rules, which need Unicode's printable set;
// floats use Go's shortest round-trip %g form, obtained from std::to_chars.
#include "starlark/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "starlark/int.h"
#include "starlark/utf8.h"

namespace slant::starlark {

namespace {

thread_local Heap* t_current_heap = nullptr;

// The code points Go's strconv.IsPrint accepts (letters, marks, numbers, punctuation, symbols
// and U+0020), as inclusive ranges; generated from Go 1.26's strconv (Unicode 15).
constexpr uint32_t kPrintable[][2] = {
    {0x20, 0x7E},       {0xA1, 0xAC},       {0xAE, 0x377},      {0x37A, 0x37F},
    {0x384, 0x38A},     {0x38C, 0x38C},     {0x38E, 0x3A1},     {0x3A3, 0x52F},
    {0x531, 0x556},     {0x559, 0x58A},     {0x58D, 0x58F},     {0x591, 0x5C7},
    {0x5D0, 0x5EA},     {0x5EF, 0x5F4},     {0x606, 0x61B},     {0x61D, 0x6DC},
    {0x6DE, 0x70D},     {0x710, 0x74A},     {0x74D, 0x7B1},     {0x7C0, 0x7FA},
    {0x7FD, 0x82D},     {0x830, 0x83E},     {0x840, 0x85B},     {0x85E, 0x85E},
    {0x860, 0x86A},     {0x870, 0x88E},     {0x898, 0x8E1},     {0x8E3, 0x983},
    {0x985, 0x98C},     {0x98F, 0x990},     {0x993, 0x9A8},     {0x9AA, 0x9B0},
    {0x9B2, 0x9B2},     {0x9B6, 0x9B9},     {0x9BC, 0x9C4},     {0x9C7, 0x9C8},
    {0x9CB, 0x9CE},     {0x9D7, 0x9D7},     {0x9DC, 0x9DD},     {0x9DF, 0x9E3},
    {0x9E6, 0x9FE},     {0xA01, 0xA03},     {0xA05, 0xA0A},     {0xA0F, 0xA10},
    {0xA13, 0xA28},     {0xA2A, 0xA30},     {0xA32, 0xA33},     {0xA35, 0xA36},
    {0xA38, 0xA39},     {0xA3C, 0xA3C},     {0xA3E, 0xA42},     {0xA47, 0xA48},
    {0xA4B, 0xA4D},     {0xA51, 0xA51},     {0xA59, 0xA5C},     {0xA5E, 0xA5E},
    {0xA66, 0xA76},     {0xA81, 0xA83},     {0xA85, 0xA8D},     {0xA8F, 0xA91},
    {0xA93, 0xAA8},     {0xAAA, 0xAB0},     {0xAB2, 0xAB3},     {0xAB5, 0xAB9},
    {0xABC, 0xAC5},     {0xAC7, 0xAC9},     {0xACB, 0xACD},     {0xAD0, 0xAD0},
    {0xAE0, 0xAE3},     {0xAE6, 0xAF1},     {0xAF9, 0xAFF},     {0xB01, 0xB03},
    {0xB05, 0xB0C},     {0xB0F, 0xB10},     {0xB13, 0xB28},     {0xB2A, 0xB30},
    {0xB32, 0xB33},     {0xB35, 0xB39},     {0xB3C, 0xB44},     {0xB47, 0xB48},
    {0xB4B, 0xB4D},     {0xB55, 0xB57},     {0xB5C, 0xB5D},     {0xB5F, 0xB63},
    {0xB66, 0xB77},     {0xB82, 0xB83},     {0xB85, 0xB8A},     {0xB8E, 0xB90},
    {0xB92, 0xB95},     {0xB99, 0xB9A},     {0xB9C, 0xB9C},     {0xB9E, 0xB9F},
    {0xBA3, 0xBA4},     {0xBA8, 0xBAA},     {0xBAE, 0xBB9},     {0xBBE, 0xBC2},
    {0xBC6, 0xBC8},     {0xBCA, 0xBCD},     {0xBD0, 0xBD0},     {0xBD7, 0xBD7},
    {0xBE6, 0xBFA},     {0xC00, 0xC0C},     {0xC0E, 0xC10},     {0xC12, 0xC28},
    {0xC2A, 0xC39},     {0xC3C, 0xC44},     {0xC46, 0xC48},     {0xC4A, 0xC4D},
    {0xC55, 0xC56},     {0xC58, 0xC5A},     {0xC5D, 0xC5D},     {0xC60, 0xC63},
    {0xC66, 0xC6F},     {0xC77, 0xC8C},     {0xC8E, 0xC90},     {0xC92, 0xCA8},
    {0xCAA, 0xCB3},     {0xCB5, 0xCB9},     {0xCBC, 0xCC4},     {0xCC6, 0xCC8},
    {0xCCA, 0xCCD},     {0xCD5, 0xCD6},     {0xCDD, 0xCDE},     {0xCE0, 0xCE3},
    {0xCE6, 0xCEF},     {0xCF1, 0xCF3},     {0xD00, 0xD0C},     {0xD0E, 0xD10},
    {0xD12, 0xD44},     {0xD46, 0xD48},     {0xD4A, 0xD4F},     {0xD54, 0xD63},
    {0xD66, 0xD7F},     {0xD81, 0xD83},     {0xD85, 0xD96},     {0xD9A, 0xDB1},
    {0xDB3, 0xDBB},     {0xDBD, 0xDBD},     {0xDC0, 0xDC6},     {0xDCA, 0xDCA},
    {0xDCF, 0xDD4},     {0xDD6, 0xDD6},     {0xDD8, 0xDDF},     {0xDE6, 0xDEF},
    {0xDF2, 0xDF4},     {0xE01, 0xE3A},     {0xE3F, 0xE5B},     {0xE81, 0xE82},
    {0xE84, 0xE84},     {0xE86, 0xE8A},     {0xE8C, 0xEA3},     {0xEA5, 0xEA5},
    {0xEA7, 0xEBD},     {0xEC0, 0xEC4},     {0xEC6, 0xEC6},     {0xEC8, 0xECE},
    {0xED0, 0xED9},     {0xEDC, 0xEDF},     {0xF00, 0xF47},     {0xF49, 0xF6C},
    {0xF71, 0xF97},     {0xF99, 0xFBC},     {0xFBE, 0xFCC},     {0xFCE, 0xFDA},
    {0x1000, 0x10C5},   {0x10C7, 0x10C7},   {0x10CD, 0x10CD},   {0x10D0, 0x1248},
    {0x124A, 0x124D},   {0x1250, 0x1256},   {0x1258, 0x1258},   {0x125A, 0x125D},
    {0x1260, 0x1288},   {0x128A, 0x128D},   {0x1290, 0x12B0},   {0x12B2, 0x12B5},
    {0x12B8, 0x12BE},   {0x12C0, 0x12C0},   {0x12C2, 0x12C5},   {0x12C8, 0x12D6},
    {0x12D8, 0x1310},   {0x1312, 0x1315},   {0x1318, 0x135A},   {0x135D, 0x137C},
    {0x1380, 0x1399},   {0x13A0, 0x13F5},   {0x13F8, 0x13FD},   {0x1400, 0x167F},
    {0x1681, 0x169C},   {0x16A0, 0x16F8},   {0x1700, 0x1715},   {0x171F, 0x1736},
    {0x1740, 0x1753},   {0x1760, 0x176C},   {0x176E, 0x1770},   {0x1772, 0x1773},
    {0x1780, 0x17DD},   {0x17E0, 0x17E9},   {0x17F0, 0x17F9},   {0x1800, 0x180D},
    {0x180F, 0x1819},   {0x1820, 0x1878},   {0x1880, 0x18AA},   {0x18B0, 0x18F5},
    {0x1900, 0x191E},   {0x1920, 0x192B},   {0x1930, 0x193B},   {0x1940, 0x1940},
    {0x1944, 0x196D},   {0x1970, 0x1974},   {0x1980, 0x19AB},   {0x19B0, 0x19C9},
    {0x19D0, 0x19DA},   {0x19DE, 0x1A1B},   {0x1A1E, 0x1A5E},   {0x1A60, 0x1A7C},
    {0x1A7F, 0x1A89},   {0x1A90, 0x1A99},   {0x1AA0, 0x1AAD},   {0x1AB0, 0x1ACE},
    {0x1B00, 0x1B4C},   {0x1B50, 0x1B7E},   {0x1B80, 0x1BF3},   {0x1BFC, 0x1C37},
    {0x1C3B, 0x1C49},   {0x1C4D, 0x1C88},   {0x1C90, 0x1CBA},   {0x1CBD, 0x1CC7},
    {0x1CD0, 0x1CFA},   {0x1D00, 0x1F15},   {0x1F18, 0x1F1D},   {0x1F20, 0x1F45},
    {0x1F48, 0x1F4D},   {0x1F50, 0x1F57},   {0x1F59, 0x1F59},   {0x1F5B, 0x1F5B},
    {0x1F5D, 0x1F5D},   {0x1F5F, 0x1F7D},   {0x1F80, 0x1FB4},   {0x1FB6, 0x1FC4},
    {0x1FC6, 0x1FD3},   {0x1FD6, 0x1FDB},   {0x1FDD, 0x1FEF},   {0x1FF2, 0x1FF4},
    {0x1FF6, 0x1FFE},   {0x2010, 0x2027},   {0x2030, 0x205E},   {0x2070, 0x2071},
    {0x2074, 0x208E},   {0x2090, 0x209C},   {0x20A0, 0x20C0},   {0x20D0, 0x20F0},
    {0x2100, 0x218B},   {0x2190, 0x2426},   {0x2440, 0x244A},   {0x2460, 0x2B73},
    {0x2B76, 0x2B95},   {0x2B97, 0x2CF3},   {0x2CF9, 0x2D25},   {0x2D27, 0x2D27},
    {0x2D2D, 0x2D2D},   {0x2D30, 0x2D67},   {0x2D6F, 0x2D70},   {0x2D7F, 0x2D96},
    {0x2DA0, 0x2DA6},   {0x2DA8, 0x2DAE},   {0x2DB0, 0x2DB6},   {0x2DB8, 0x2DBE},
    {0x2DC0, 0x2DC6},   {0x2DC8, 0x2DCE},   {0x2DD0, 0x2DD6},   {0x2DD8, 0x2DDE},
    {0x2DE0, 0x2E5D},   {0x2E80, 0x2E99},   {0x2E9B, 0x2EF3},   {0x2F00, 0x2FD5},
    {0x2FF0, 0x2FFB},   {0x3001, 0x303F},   {0x3041, 0x3096},   {0x3099, 0x30FF},
    {0x3105, 0x312F},   {0x3131, 0x318E},   {0x3190, 0x31E3},   {0x31F0, 0x321E},
    {0x3220, 0xA48C},   {0xA490, 0xA4C6},   {0xA4D0, 0xA62B},   {0xA640, 0xA6F7},
    {0xA700, 0xA7CA},   {0xA7D0, 0xA7D1},   {0xA7D3, 0xA7D3},   {0xA7D5, 0xA7D9},
    {0xA7F2, 0xA82C},   {0xA830, 0xA839},   {0xA840, 0xA877},   {0xA880, 0xA8C5},
    {0xA8CE, 0xA8D9},   {0xA8E0, 0xA953},   {0xA95F, 0xA97C},   {0xA980, 0xA9CD},
    {0xA9CF, 0xA9D9},   {0xA9DE, 0xA9FE},   {0xAA00, 0xAA36},   {0xAA40, 0xAA4D},
    {0xAA50, 0xAA59},   {0xAA5C, 0xAAC2},   {0xAADB, 0xAAF6},   {0xAB01, 0xAB06},
    {0xAB09, 0xAB0E},   {0xAB11, 0xAB16},   {0xAB20, 0xAB26},   {0xAB28, 0xAB2E},
    {0xAB30, 0xAB6B},   {0xAB70, 0xABED},   {0xABF0, 0xABF9},   {0xAC00, 0xD7A3},
    {0xD7B0, 0xD7C6},   {0xD7CB, 0xD7FB},   {0xF900, 0xFA6D},   {0xFA70, 0xFAD9},
    {0xFB00, 0xFB06},   {0xFB13, 0xFB17},   {0xFB1D, 0xFB36},   {0xFB38, 0xFB3C},
    {0xFB3E, 0xFB3E},   {0xFB40, 0xFB41},   {0xFB43, 0xFB44},   {0xFB46, 0xFBC2},
    {0xFBD3, 0xFD8F},   {0xFD92, 0xFDC7},   {0xFDCF, 0xFDCF},   {0xFDF0, 0xFE19},
    {0xFE20, 0xFE52},   {0xFE54, 0xFE66},   {0xFE68, 0xFE6B},   {0xFE70, 0xFE74},
    {0xFE76, 0xFEFC},   {0xFF01, 0xFFBE},   {0xFFC2, 0xFFC7},   {0xFFCA, 0xFFCF},
    {0xFFD2, 0xFFD7},   {0xFFDA, 0xFFDC},   {0xFFE0, 0xFFE6},   {0xFFE8, 0xFFEE},
    {0xFFFC, 0xFFFD},   {0x10000, 0x1000B}, {0x1000D, 0x10026}, {0x10028, 0x1003A},
    {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D}, {0x10080, 0x100FA},
    {0x10100, 0x10102}, {0x10107, 0x10133}, {0x10137, 0x1018E}, {0x10190, 0x1019C},
    {0x101A0, 0x101A0}, {0x101D0, 0x101FD}, {0x10280, 0x1029C}, {0x102A0, 0x102D0},
    {0x102E0, 0x102FB}, {0x10300, 0x10323}, {0x1032D, 0x1034A}, {0x10350, 0x1037A},
    {0x10380, 0x1039D}, {0x1039F, 0x103C3}, {0x103C8, 0x103D5}, {0x10400, 0x1049D},
    {0x104A0, 0x104A9}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB}, {0x10500, 0x10527},
    {0x10530, 0x10563}, {0x1056F, 0x1057A}, {0x1057C, 0x1058A}, {0x1058C, 0x10592},
    {0x10594, 0x10595}, {0x10597, 0x105A1}, {0x105A3, 0x105B1}, {0x105B3, 0x105B9},
    {0x105BB, 0x105BC}, {0x10600, 0x10736}, {0x10740, 0x10755}, {0x10760, 0x10767},
    {0x10780, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA}, {0x10800, 0x10805},
    {0x10808, 0x10808}, {0x1080A, 0x10835}, {0x10837, 0x10838}, {0x1083C, 0x1083C},
    {0x1083F, 0x10855}, {0x10857, 0x1089E}, {0x108A7, 0x108AF}, {0x108E0, 0x108F2},
    {0x108F4, 0x108F5}, {0x108FB, 0x1091B}, {0x1091F, 0x10939}, {0x1093F, 0x1093F},
    {0x10980, 0x109B7}, {0x109BC, 0x109CF}, {0x109D2, 0x10A03}, {0x10A05, 0x10A06},
    {0x10A0C, 0x10A13}, {0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A38, 0x10A3A},
    {0x10A3F, 0x10A48}, {0x10A50, 0x10A58}, {0x10A60, 0x10A9F}, {0x10AC0, 0x10AE6},
    {0x10AEB, 0x10AF6}, {0x10B00, 0x10B35}, {0x10B39, 0x10B55}, {0x10B58, 0x10B72},
    {0x10B78, 0x10B91}, {0x10B99, 0x10B9C}, {0x10BA9, 0x10BAF}, {0x10C00, 0x10C48},
    {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x10CFA, 0x10D27}, {0x10D30, 0x10D39},
    {0x10E60, 0x10E7E}, {0x10E80, 0x10EA9}, {0x10EAB, 0x10EAD}, {0x10EB0, 0x10EB1},
    {0x10EFD, 0x10F27}, {0x10F30, 0x10F59}, {0x10F70, 0x10F89}, {0x10FB0, 0x10FCB},
    {0x10FE0, 0x10FF6}, {0x11000, 0x1104D}, {0x11052, 0x11075}, {0x1107F, 0x110BC},
    {0x110BE, 0x110C2}, {0x110D0, 0x110E8}, {0x110F0, 0x110F9}, {0x11100, 0x11134},
    {0x11136, 0x11147}, {0x11150, 0x11176}, {0x11180, 0x111DF}, {0x111E1, 0x111F4},
    {0x11200, 0x11211}, {0x11213, 0x11241}, {0x11280, 0x11286}, {0x11288, 0x11288},
    {0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A9}, {0x112B0, 0x112EA},
    {0x112F0, 0x112F9}, {0x11300, 0x11303}, {0x11305, 0x1130C}, {0x1130F, 0x11310},
    {0x11313, 0x11328}, {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339},
    {0x1133B, 0x11344}, {0x11347, 0x11348}, {0x1134B, 0x1134D}, {0x11350, 0x11350},
    {0x11357, 0x11357}, {0x1135D, 0x11363}, {0x11366, 0x1136C}, {0x11370, 0x11374},
    {0x11400, 0x1145B}, {0x1145D, 0x11461}, {0x11480, 0x114C7}, {0x114D0, 0x114D9},
    {0x11580, 0x115B5}, {0x115B8, 0x115DD}, {0x11600, 0x11644}, {0x11650, 0x11659},
    {0x11660, 0x1166C}, {0x11680, 0x116B9}, {0x116C0, 0x116C9}, {0x11700, 0x1171A},
    {0x1171D, 0x1172B}, {0x11730, 0x11746}, {0x11800, 0x1183B}, {0x118A0, 0x118F2},
    {0x118FF, 0x11906}, {0x11909, 0x11909}, {0x1190C, 0x11913}, {0x11915, 0x11916},
    {0x11918, 0x11935}, {0x11937, 0x11938}, {0x1193B, 0x11946}, {0x11950, 0x11959},
    {0x119A0, 0x119A7}, {0x119AA, 0x119D7}, {0x119DA, 0x119E4}, {0x11A00, 0x11A47},
    {0x11A50, 0x11AA2}, {0x11AB0, 0x11AF8}, {0x11B00, 0x11B09}, {0x11C00, 0x11C08},
    {0x11C0A, 0x11C36}, {0x11C38, 0x11C45}, {0x11C50, 0x11C6C}, {0x11C70, 0x11C8F},
    {0x11C92, 0x11CA7}, {0x11CA9, 0x11CB6}, {0x11D00, 0x11D06}, {0x11D08, 0x11D09},
    {0x11D0B, 0x11D36}, {0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D}, {0x11D3F, 0x11D47},
    {0x11D50, 0x11D59}, {0x11D60, 0x11D65}, {0x11D67, 0x11D68}, {0x11D6A, 0x11D8E},
    {0x11D90, 0x11D91}, {0x11D93, 0x11D98}, {0x11DA0, 0x11DA9}, {0x11EE0, 0x11EF8},
    {0x11F00, 0x11F10}, {0x11F12, 0x11F3A}, {0x11F3E, 0x11F59}, {0x11FB0, 0x11FB0},
    {0x11FC0, 0x11FF1}, {0x11FFF, 0x12399}, {0x12400, 0x1246E}, {0x12470, 0x12474},
    {0x12480, 0x12543}, {0x12F90, 0x12FF2}, {0x13000, 0x1342F}, {0x13440, 0x13455},
    {0x14400, 0x14646}, {0x16800, 0x16A38}, {0x16A40, 0x16A5E}, {0x16A60, 0x16A69},
    {0x16A6E, 0x16ABE}, {0x16AC0, 0x16AC9}, {0x16AD0, 0x16AED}, {0x16AF0, 0x16AF5},
    {0x16B00, 0x16B45}, {0x16B50, 0x16B59}, {0x16B5B, 0x16B61}, {0x16B63, 0x16B77},
    {0x16B7D, 0x16B8F}, {0x16E40, 0x16E9A}, {0x16F00, 0x16F4A}, {0x16F4F, 0x16F87},
    {0x16F8F, 0x16F9F}, {0x16FE0, 0x16FE4}, {0x16FF0, 0x16FF1}, {0x17000, 0x187F7},
    {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB},
    {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B132, 0x1B132}, {0x1B150, 0x1B152},
    {0x1B155, 0x1B155}, {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A},
    {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99}, {0x1BC9C, 0x1BC9F},
    {0x1CF00, 0x1CF2D}, {0x1CF30, 0x1CF46}, {0x1CF50, 0x1CFC3}, {0x1D000, 0x1D0F5},
    {0x1D100, 0x1D126}, {0x1D129, 0x1D172}, {0x1D17B, 0x1D1EA}, {0x1D200, 0x1D245},
    {0x1D2C0, 0x1D2D3}, {0x1D2E0, 0x1D2F3}, {0x1D300, 0x1D356}, {0x1D360, 0x1D378},
    {0x1D400, 0x1D454}, {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2},
    {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB},
    {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A}, {0x1D50D, 0x1D514},
    {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E}, {0x1D540, 0x1D544},
    {0x1D546, 0x1D546}, {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D7CB},
    {0x1D7CE, 0x1DA8B}, {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF}, {0x1DF00, 0x1DF1E},
    {0x1DF25, 0x1DF2A}, {0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021},
    {0x1E023, 0x1E024}, {0x1E026, 0x1E02A}, {0x1E030, 0x1E06D}, {0x1E08F, 0x1E08F},
    {0x1E100, 0x1E12C}, {0x1E130, 0x1E13D}, {0x1E140, 0x1E149}, {0x1E14E, 0x1E14F},
    {0x1E290, 0x1E2AE}, {0x1E2C0, 0x1E2F9}, {0x1E2FF, 0x1E2FF}, {0x1E4D0, 0x1E4F9},
    {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE},
    {0x1E800, 0x1E8C4}, {0x1E8C7, 0x1E8D6}, {0x1E900, 0x1E94B}, {0x1E950, 0x1E959},
    {0x1E95E, 0x1E95F}, {0x1EC71, 0x1ECB4}, {0x1ED01, 0x1ED3D}, {0x1EE00, 0x1EE03},
    {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27},
    {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B},
    {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49}, {0x1EE4B, 0x1EE4B},
    {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57},
    {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F},
    {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72},
    {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89},
    {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9}, {0x1EEAB, 0x1EEBB},
    {0x1EEF0, 0x1EEF1}, {0x1F000, 0x1F02B}, {0x1F030, 0x1F093}, {0x1F0A0, 0x1F0AE},
    {0x1F0B1, 0x1F0BF}, {0x1F0C1, 0x1F0CF}, {0x1F0D1, 0x1F0F5}, {0x1F100, 0x1F1AD},
    {0x1F1E6, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251},
    {0x1F260, 0x1F265}, {0x1F300, 0x1F6D7}, {0x1F6DC, 0x1F6EC}, {0x1F6F0, 0x1F6FC},
    {0x1F700, 0x1F776}, {0x1F77B, 0x1F7D9}, {0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0},
    {0x1F800, 0x1F80B}, {0x1F810, 0x1F847}, {0x1F850, 0x1F859}, {0x1F860, 0x1F887},
    {0x1F890, 0x1F8AD}, {0x1F8B0, 0x1F8B1}, {0x1F900, 0x1FA53}, {0x1FA60, 0x1FA6D},
    {0x1FA70, 0x1FA7C}, {0x1FA80, 0x1FA88}, {0x1FA90, 0x1FABD}, {0x1FABF, 0x1FAC5},
    {0x1FACE, 0x1FADB}, {0x1FAE0, 0x1FAE8}, {0x1FAF0, 0x1FAF8}, {0x1FB00, 0x1FB92},
    {0x1FB94, 0x1FBCA}, {0x1FBF0, 0x1FBF9}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B739},
    {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D},
    {0x30000, 0x3134A}, {0x31350, 0x323AF}, {0xE0100, 0xE01EF},
};

bool isPrintable(uint32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  size_t lo = 0, hi = std::size(kPrintable);
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (r < kPrintable[mid][0]) {
      hi = mid;
    } else if (r > kPrintable[mid][1]) {
      lo = mid + 1;
    } else {
      return true;
    }
  }
  return false;
}

/// Decodes one UTF-8 sequence at the start of s (non-empty) as Go's utf8.DecodeRuneInString:
/// returns the code point and its length, or length 1 for a malformed sequence.
std::pair<uint32_t, size_t> decodeUtf8(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  auto cont = [&](size_t i) {
    return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  };
  auto at = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(s[i]) & 0x3F);
  };
  if (b0 < 0x80) return {b0, 1};
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) return {((b0 & 0x1Fu) << 6) | at(1), 2};
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    const uint32_t r = ((b0 & 0x0Fu) << 12) | (at(1) << 6) | at(2);
    if (r >= 0x800 && !(r >= 0xD800 && r <= 0xDFFF)) return {r, 3};
  } else if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    const uint32_t r = ((b0 & 0x07u) << 18) | (at(1) << 12) | (at(2) << 6) | at(3);
    if (r >= 0x10000 && r <= 0x10FFFF) return {r, 4};
  }
  return {0xFFFD, 1};
}

constexpr char kHex[] = "0123456789abcdef";

void appendHexEscape(std::string& out, char kind, uint32_t v, int digits) {
  out += '\\';
  out += kind;
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += kHex[(v >> shift) & 0xF];
}

void writeIntValue(std::string& out, int64_t i) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, r.ptr);
}

Result<void> checkTableMutable(bool frozen, int32_t iterating, std::string_view verb) {
  if (frozen) return makeError("cannot " + std::string(verb) + " frozen hash table");
  if (iterating > 0)
    return makeError("cannot " + std::string(verb) + " hash table during iteration");
  return {};
}

bool pathContains(const std::vector<const Object*>& path, const Object* o) {
  return std::find(path.begin(), path.end(), o) != path.end();
}

void writeElems(std::string& out, const ValueVector& elems, std::vector<const Object*>& path) {
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i > 0) out += ", ";
    writeValue(out, elems[i], true, path);
  }
}

}  // namespace

// ---- quoting and number formatting ----------------------------------------------------------

namespace {

// Appends the code point r as Go's strconv quotes it between `quote` characters: the quote and
// backslash escaped, printable runes as themselves, the C escapes, else \x.., \u.... or \U.......
void appendQuotedRune(std::string& out, uint32_t r, char quote) {
  if (r == static_cast<unsigned char>(quote) || r == '\\') {
    out += '\\';
    out += static_cast<char>(r);
    return;
  }
  if (isPrintable(r)) {
    appendUtf8(out, static_cast<int32_t>(r));
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < 0x80) {
    appendHexEscape(out, 'x', r, 2);
  } else if (r < 0x10000) {
    appendHexEscape(out, 'u', r, 4);
  } else {
    appendHexEscape(out, 'U', r, 8);
  }
}

}  // namespace

void writeQuoted(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {  // the common case, byte by byte
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    auto [r, n] = c < 0x80 ? std::pair<uint32_t, size_t>{c, 1} : decodeUtf8(s.substr(i));
    if (c >= 0x80 && n == 1) {
      appendHexEscape(out, 'x', c, 2);  // a malformed byte
    } else {
      appendQuotedRune(out, r, '"');
    }
    i += n;
  }
  out += '"';
}

std::string quoteRune(int32_t r) {
  std::string out = "'";
  appendQuotedRune(out, static_cast<uint32_t>(r), '\'');
  out += '\'';
  return out;
}

void writeFloat(std::string& out, double f, char conv) {
  if (!std::isfinite(f)) {
    out += std::isnan(f) ? "nan" : (f > 0 ? "+inf" : "-inf");
    return;
  }
  char buf[400];  // %f of the largest double has 309 integer digits
  if (conv == 'e' || conv == 'E' || conv == 'f') {
    auto r =
        std::to_chars(buf, buf + sizeof buf, f,
                      conv == 'f' ? std::chars_format::fixed : std::chars_format::scientific, 6);
    if (conv == 'E') std::replace(buf, r.ptr, 'e', 'E');
    out.append(buf, r.ptr);
    return;
  }
  if (conv != 'g' && conv != 'G') {
    // Go's strconv.FormatFloat answers an unknown verb (such as 'F') with "%" and the verb.
    out += '%';
    out += conv;
    return;
  }
  const char e = conv == 'G' ? 'E' : 'e';
  if (f == 0) {
    out += std::signbit(f) ? "-0.0" : "0.0";
    return;
  }
  // The shortest digits that round-trip, as "d.ddde±x", give the digits and the exponent; then
  // lay them out as Go's %g does with shortest precision (exponent form if exp < -4 || exp >= 6).
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific);
  const char* p = buf;
  char digits[24];
  int nd = 0;
  for (; p != r.ptr && *p != 'e'; ++p)
    if (*p != '.') digits[nd++] = *p;
  int exp = 0;
  std::from_chars(p + 1 + (p[1] == '+'), r.ptr, exp);
  if (f < 0) out += '-';
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (nd > 1) {
      out += '.';
      out.append(digits + 1, nd - 1);
    }
    out += e;
    out += exp < 0 ? '-' : '+';
    const int a = exp < 0 ? -exp : exp;
    if (a < 10) out += '0';
    writeIntValue(out, a);
    return;
  }
  const int dp = exp + 1;  // digits before the decimal point
  if (dp <= 0) {
    out += "0.";
    out.append(-dp, '0');
    out.append(digits, nd);
  } else if (dp >= nd) {
    out.append(digits, nd);
    out.append(dp - nd, '0');
    out += ".0";
  } else {
    out.append(digits, dp);
    out += '.';
    out.append(digits + dp, nd - dp);
  }
}

uint32_t hashBytes(std::string_view s) {
  uint64_t h;
  if (s.size() < 16) {
    uint32_t x = 2166136261u;  // FNV-1a
    for (char c : s) x = (x ^ static_cast<unsigned char>(c)) * 16777619u;
    h = x;
  } else {
    h = 0x9E3779B97F4A7C15ULL ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
      h ^= h >> 31;
    }
    uint64_t w;
    std::memcpy(&w, s.data() + s.size() - 8, 8);  // the (overlapping) last 8 bytes
    h = (h ^ w) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
  }
  const auto r = static_cast<uint32_t>(h ^ (h >> 32));
  return r == 0 ? 1 : r;
}

// ---- Object, Heap ---------------------------------------------------------------------------

namespace {

// Small-block allocation (poolAllocate: objects, and the element buffers of ValueVector). Blocks
// of up to kPoolClasses * kPoolGranule bytes are recycled through per-thread free lists (one per
// 16-byte size class): glibc's malloc is slow for the bursts of small objects and buffers an
// interpreter makes and frees. Every block comes from ::operator new, so a block
// may be freed on another thread (it joins that thread's list) or after this thread's pool is
// gone (it goes back to ::operator delete). Sanitizer builds skip the pool, so that
// AddressSanitizer sees every object's lifetime.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUsePool = false;
#else
constexpr bool kUsePool = true;
#endif
constexpr size_t kPoolGranule = 16;
constexpr size_t kPoolClasses = 16;
constexpr uint32_t kPoolMaxFree = 1 << 16;  // per class, so an idle thread keeps at most a few MB

struct FreeBlock {
  FreeBlock* next;
};

struct ObjectPool {
  FreeBlock* free[kPoolClasses] = {};
  uint32_t count[kPoolClasses] = {};
  ~ObjectPool();
};

thread_local bool t_pool_dead = false;
thread_local ObjectPool t_pool;

ObjectPool::~ObjectPool() {
  t_pool_dead = true;
  for (FreeBlock*& head : free) {
    while (head != nullptr) {
      FreeBlock* next = head->next;
      ::operator delete(head);
      head = next;
    }
  }
}

}  // namespace

void* poolAllocate(size_t size) {
  if (kUsePool && size <= kPoolClasses * kPoolGranule && !t_pool_dead) {
    const size_t c = size == 0 ? 0 : (size - 1) / kPoolGranule;
    ObjectPool& pool = t_pool;
    if (FreeBlock* b = pool.free[c]) {
      pool.free[c] = b->next;
      --pool.count[c];
      return b;
    }
    return ::operator new((c + 1) * kPoolGranule);
  }
  return ::operator new(size);
}

void poolFree(void* p, size_t size) noexcept {
  if (kUsePool && size <= kPoolClasses * kPoolGranule && !t_pool_dead) {
    const size_t c = size == 0 ? 0 : (size - 1) / kPoolGranule;
    ObjectPool& pool = t_pool;
    if (pool.count[c] < kPoolMaxFree) {
      auto* b = static_cast<FreeBlock*>(p);
      b->next = pool.free[c];
      pool.free[c] = b;
      ++pool.count[c];
      return;
    }
  }
  ::operator delete(p);
}

void* Object::operator new(size_t size) { return poolAllocate(size); }

void Object::operator delete(void* p, size_t size) { poolFree(p, size); }

Object::Object(ObjType type) : type_(type) {
  if (Heap* h = t_current_heap) h->link(this);
}

Object::~Object() {
  if (heap_ != nullptr) heap_->unlink(this);
}

Result<uint32_t> Object::hash() const {
  return makeError("unhashable type: " + std::string(typeName()));
}

std::string Object::noSuchAttr(std::string_view name) const {
  return std::string(typeName()) + " has no ." + std::string(name) + " field or method";
}

Result<void> Object::setAttr(std::string_view name, Value) {
  return makeError("can't assign to ." + std::string(name) + " field of " +
                   std::string(typeName()));
}

Heap* Heap::current() { return t_current_heap; }

void Heap::link(Object* o) {
  o->heap_ = this;
  o->heap_prev_ = nullptr;
  o->heap_next_ = head_;
  if (head_ != nullptr) head_->heap_prev_ = o;
  head_ = o;
  ++size_;
}

void Heap::unlink(Object* o) {
  if (o->heap_prev_ != nullptr) {
    o->heap_prev_->heap_next_ = o->heap_next_;
  } else {
    head_ = o->heap_next_;
  }
  if (o->heap_next_ != nullptr) o->heap_next_->heap_prev_ = o->heap_prev_;
  o->heap_ = nullptr;
  o->heap_prev_ = o->heap_next_ = nullptr;
  --size_;
}

Heap::~Heap() {
  if (t_current_heap == this) t_current_heap = nullptr;
  for (Object*& o : short_strings_) {
    if (o != nullptr && o->decref()) delete o;
    o = nullptr;
  }
  for (Object*& o : type_names_) {
    if (o != nullptr && o->decref()) delete o;
    o = nullptr;
  }
  std::vector<Object*> all;
  all.reserve(size_);
  for (Object* o = head_; o != nullptr; o = o->heap_next_) {
    o->incref();
    all.push_back(o);
  }
  for (Object* o : all) o->clearChildren();
  for (Object* o : all)
    if (o->decref()) delete o;
  // What is left is referenced from outside the heap: detach it, so that its last reference
  // frees it without touching this (dead) heap.
  for (Object* o = head_; o != nullptr;) {
    Object* next = o->heap_next_;
    o->heap_ = nullptr;
    o->heap_prev_ = o->heap_next_ = nullptr;
    o = next;
  }
  head_ = nullptr;
  size_ = 0;
}

HeapScope::HeapScope(Heap* heap) : previous_(t_current_heap) { t_current_heap = heap; }

HeapScope::~HeapScope() { t_current_heap = previous_; }

// ---- String ---------------------------------------------------------------------------------

void String::write(std::string& out, bool quoted, std::vector<const Object*>&) const {
  if (quoted) {
    writeQuoted(out, s_);
  } else {
    out += s_;
  }
}

Result<uint32_t> String::hash() const {
  if (hash_ == 0) hash_ = hashBytes(s_);
  return hash_;
}

Result<bool> String::equals(const Object& other, int) const {
  const auto& o = static_cast<const String&>(other);
  if (hash_ != 0 && o.hash_ != 0 && hash_ != o.hash_) return false;
  return s_ == o.s_;
}

Result<int> String::compare(const Object& other, int) const {
  const int c = s_.compare(static_cast<const String&>(other).s_);
  return (c > 0) - (c < 0);
}

Value makeString(std::string s) {
  if (s.size() <= 1) {
    if (Heap* h = t_current_heap) {
      Object*& cached = h->short_strings_[s.empty() ? 256 : static_cast<unsigned char>(s[0])];
      if (cached == nullptr) cached = new String(std::move(s));  // the cache's reference
      return Value(cached);
    }
  }
  return make<String>(std::move(s));
}

Value typeString(const Value& x) {
  constexpr size_t kObjects = static_cast<size_t>(Value::Tag::kObject);
  size_t slot;
  if (!x.isObject()) {
    slot = static_cast<size_t>(x.tag());
  } else {
    // Only the types whose name is fixed: a struct's or host object's may vary.
    const ObjType t = x.object()->objType();
    if (t > ObjType::kFunction) return makeString(std::string(typeName(x)));
    slot = kObjects + static_cast<size_t>(t);
  }
  Heap* h = t_current_heap;
  if (h == nullptr) return makeString(std::string(typeName(x)));
  static_assert(kObjects + static_cast<size_t>(ObjType::kFunction) <
                std::extent_v<decltype(Heap::type_names_)>);
  Object*& cached = h->type_names_[slot];
  if (cached == nullptr) cached = new String(std::string(typeName(x)));  // the cache's reference
  return Value(cached);
}

// ---- List -----------------------------------------------------------------------------------

void List::write(std::string& out, bool, std::vector<const Object*>& path) const {
  out += '[';
  if (pathContains(path, this)) {
    out += "...";
  } else {
    path.push_back(this);
    writeElems(out, elems_, path);
    path.pop_back();
  }
  out += ']';
}

void List::freeze() {
  if (frozen_) return;
  frozen_ = true;
  for (const Value& v : elems_) starlark::freeze(v);
}

Result<void> List::checkMutable(std::string_view verb) const {
  if (frozen_) return makeError("cannot " + std::string(verb) + " frozen list");
  if (iterating > 0) return makeError("cannot " + std::string(verb) + " list during iteration");
  return {};
}

// ---- Tuple ----------------------------------------------------------------------------------

void Tuple::write(std::string& out, bool, std::vector<const Object*>& path) const {
  out += '(';
  writeElems(out, elems_, path);
  if (elems_.size() == 1) out += ',';
  out += ')';
}

Result<uint32_t> Tuple::hash() const {
  // Python's tuple hash, as go.starlark.net uses.
  uint32_t x = 0x345678, mult = 1000003;
  const auto n = static_cast<uint32_t>(elems_.size());
  for (const Value& e : elems_) {
    const uint32_t y = TRY(starlark::hash(e));
    x = x ^ (y * mult);
    mult += 82520 + n + n;
  }
  return x;
}

void Tuple::freeze() {
  if (frozen_) return;
  frozen_ = true;
  for (const Value& v : elems_) starlark::freeze(v);
}

// ---- Dict, Set ------------------------------------------------------------------------------

void Dict::write(std::string& out, bool, std::vector<const Object*>& path) const {
  out += '{';
  if (pathContains(path, this)) {
    out += "...";
  } else {
    path.push_back(this);
    bool first = true;
    table.forEach([&](const HashTable::Entry& e) {
      if (!first) out += ", ";
      first = false;
      writeValue(out, e.key, true, path);
      out += ": ";
      writeValue(out, e.value, true, path);
      return true;
    });
    path.pop_back();
  }
  out += '}';
}

void Dict::freeze() {
  if (frozen_) return;
  frozen_ = true;
  table.forEach([](const HashTable::Entry& e) {
    starlark::freeze(e.key);
    starlark::freeze(e.value);
    return true;
  });
}

Result<bool> Dict::equals(const Object& other, int depth) const {
  const auto& y = static_cast<const Dict&>(other);
  if (table.size() != y.table.size()) return false;
  for (size_t i = 0; i < table.slotCount(); ++i) {
    const HashTable::Entry& e = table.slot(i);
    if (e.key.isUnbound()) continue;
    auto found = y.table.get(e.key);
    if (!found || !*found) return false;
    if (!TRY(equalDepth(e.value, **found, depth - 1))) return false;
  }
  return true;
}

Result<void> Dict::checkMutable(std::string_view verb) const {
  return checkTableMutable(frozen_, iterating, verb);
}

Result<void> Dict::set(const Value& key, Value value) {
  if (frozen_ || iterating > 0) [[unlikely]]
    return checkMutable("insert into");
  return table.insert(key, std::move(value));
}

void Set::write(std::string& out, bool, std::vector<const Object*>& path) const {
  out += "set([";
  bool first = true;
  table.forEach([&](const HashTable::Entry& e) {
    if (!first) out += ", ";
    first = false;
    writeValue(out, e.key, true, path);
    return true;
  });
  out += "])";
}

void Set::freeze() {
  if (frozen_) return;
  frozen_ = true;
  table.forEach([](const HashTable::Entry& e) {
    starlark::freeze(e.key);
    return true;
  });
}

Result<bool> Set::equals(const Object& other, int) const {
  const auto& y = static_cast<const Set&>(other);
  if (table.size() != y.table.size()) return false;
  bool equal = true;
  table.forEach([&](const HashTable::Entry& e) {
    auto found = y.table.get(e.key);
    equal = found && found->has_value();
    return equal;
  });
  return equal;
}

Result<void> Set::checkMutable(std::string_view verb) const {
  return checkTableMutable(frozen_, iterating, verb);
}

Result<void> Set::add(const Value& x) {
  if (frozen_ || iterating > 0) [[unlikely]]
    return checkMutable("insert into");
  return table.insert(x, Value());
}

// ---- Range ----------------------------------------------------------------------------------

Range::Range(int64_t start, int64_t stop, int64_t step)
    : Object(kType), start_(start), stop_(stop), step_(step), len_(0) {
  frozen_ = true;
  __int128 n = 0;
  if (step > 0 && stop > start) {
    n = (static_cast<__int128>(stop) - 1 - start) / step + 1;
  } else if (step < 0 && start > stop) {
    n = (static_cast<__int128>(start) - 1 - stop) / -static_cast<__int128>(step) + 1;
  }
  len_ = n > INT64_MAX ? INT64_MAX : static_cast<int64_t>(n);
}

void Range::write(std::string& out, bool, std::vector<const Object*>&) const {
  out += "range(";
  if (step_ != 1 || start_ != 0) {
    writeIntValue(out, start_);
    out += ", ";
  }
  writeIntValue(out, stop_);
  if (step_ != 1) {
    out += ", ";
    writeIntValue(out, step_);
  }
  out += ')';
}

Result<uint32_t> Range::hash() const { return makeError("unhashable: range"); }

Result<bool> Range::equals(const Object& other, int) const {
  // Two ranges are equal if they denote the same sequence.
  const auto& y = static_cast<const Range&>(other);
  if (len_ != y.len_) return false;
  if (len_ == 0) return true;
  if (start_ != y.start_) return false;
  return len_ == 1 || step_ == y.step_;
}

// ---- Builtin --------------------------------------------------------------------------------

void Builtin::write(std::string& out, bool, std::vector<const Object*>&) const {
  if (isMethod()) {
    out += "<built-in method ";
    out += name_;
    out += " of ";
    out += starlark::typeName(receiver_);
    out += " value>";
  } else {
    out += "<built-in function ";
    out += name_;
    out += '>';
  }
}

Result<uint32_t> Builtin::hash() const {
  uint32_t h = hashBytes(name_);
  if (isMethod()) h ^= 5521;
  return h;
}

void Builtin::freeze() {
  if (frozen_) return;
  frozen_ = true;
  starlark::freeze(receiver_);
}

Result<bool> Builtin::equals(const Object& other, int) const {
  // Identity, as go.starlark.net: each x.f makes a new bound method, and
  // len(set(["".count for _ in range(10)])) is 10.
  return this == &other;
}

// ---- value-level protocols ------------------------------------------------------------------

std::string_view typeName(const Value& x) {
  switch (x.tag()) {
    case Value::Tag::kNone:
      return "NoneType";
    case Value::Tag::kBool:
      return "bool";
    case Value::Tag::kInt:
      return "int";
    case Value::Tag::kFloat:
      return "float";
    case Value::Tag::kObject:
      return x.object()->typeName();
    case Value::Tag::kUnbound:
      break;
  }
  return "unbound";
}

void writeValue(std::string& out, const Value& x, bool quoted, std::vector<const Object*>& path) {
  switch (x.tag()) {
    case Value::Tag::kNone:
      out += "None";
      return;
    case Value::Tag::kBool:
      out += x.asBool() ? "True" : "False";
      return;
    case Value::Tag::kInt:
      writeIntValue(out, x.asSmallInt());
      return;
    case Value::Tag::kFloat:
      writeFloat(out, x.asFloat(), 'g');
      return;
    case Value::Tag::kObject:
      x.object()->write(out, quoted, path);
      return;
    case Value::Tag::kUnbound:
      out += "<unbound>";
      return;
  }
}

void writeValue(std::string& out, const Value& x, bool quoted) {
  std::vector<const Object*> path;
  writeValue(out, x, quoted, path);
}

std::string str(const Value& x) {
  if (x.isString()) return std::string(x.str());
  std::string out;
  writeValue(out, x, false);
  return out;
}

std::string repr(const Value& x) {
  std::string out;
  writeValue(out, x, true);
  return out;
}

bool truth(const Value& x) {
  switch (x.tag()) {
    case Value::Tag::kNone:
      return false;
    case Value::Tag::kBool:
      return x.asBool();
    case Value::Tag::kInt:
      return x.asSmallInt() != 0;
    case Value::Tag::kFloat:
      return x.asFloat() != 0;
    case Value::Tag::kObject:
      return x.object()->truth();
    case Value::Tag::kUnbound:
      break;
  }
  return false;
}

Result<uint32_t> hash(const Value& x) {
  switch (x.tag()) {
    case Value::Tag::kNone:
      return 0u;
    case Value::Tag::kBool:
      return x.asBool() ? 1u : 0u;
    case Value::Tag::kInt:
      return intHash(x);
    case Value::Tag::kFloat:
      return floatHash(x.asFloat());
    case Value::Tag::kObject:
      return x.object()->hash();
    case Value::Tag::kUnbound:
      break;
  }
  return makeError("unhashable type: unbound");
}

std::optional<int64_t> length(const Value& x) {
  if (!x.isObject()) return std::nullopt;
  return x.object()->length();
}

void freeze(const Value& x) {
  if (x.isObject()) x.object()->freeze();
}

bool isFrozen(const Value& x) { return !x.isObject() || x.object()->frozen(); }

// ---- string interpolation -------------------------------------------------------------------

namespace {

std::string conversion(char c) {
  std::string s = "%";
  appendUtf8(s, static_cast<unsigned char>(c));  // Go prints the byte as a rune
  return s;
}

}  // namespace

Result<Value> interpolate(std::string_view format, const Value& args) {
  std::string out;
  out.reserve(format.size() + 16);
  const Tuple* tuple = args.tryAs<Tuple>();
  const size_t nargs = tuple != nullptr ? tuple->elems().size() : 1;
  size_t index = 0;
  std::vector<const Object*> path;
  for (;;) {
    const size_t percent = format.find('%');
    if (percent == std::string_view::npos) {
      out += format;
      break;
    }
    out += format.substr(0, percent);
    format.remove_prefix(percent + 1);
    if (!format.empty() && format[0] == '%') {
      out += '%';
      format.remove_prefix(1);
      continue;
    }

    Value arg;
    if (!format.empty() && format[0] == '(') {
      // A keyword argument: %(name)s.
      format.remove_prefix(1);
      const size_t close = format.find(')');
      if (close == std::string_view::npos) return makeError("incomplete format key");
      const std::string_view key = format.substr(0, close);
      const Dict* dict = args.tryAs<Dict>();
      if (dict == nullptr) return makeError("format requires a mapping");
      auto found = dict->table.get(makeString(std::string(key)));
      if (!found || !*found) return makeError("key not found: " + std::string(key));
      arg = std::move(**found);
      format.remove_prefix(close + 1);
    } else {
      if (index >= nargs) return makeError("not enough arguments for format string");
      arg = tuple != nullptr ? tuple->elems()[index] : args;
    }

    if (format.empty()) return makeError("incomplete format");
    const char c = format[0];
    switch (c) {
      case 's':
      case 'r':
        if (c == 's' && arg.isString()) {
          out += arg.str();
        } else {
          writeValue(out, arg, true, path);
        }
        break;
      case 'd':
      case 'i':
      case 'o':
      case 'x':
      case 'X': {
        auto i = numberToInt(arg);
        if (!i) {
          return makeError(conversion(c) + " format requires integer: " + i.error().message());
        }
        writeInt(out, *i, c == 'o' ? 8 : (c == 'x' || c == 'X') ? 16 : 10, c == 'X');
        break;
      }
      case 'e':
      case 'f':
      case 'g':
      case 'E':
      case 'F':
      case 'G': {
        double f;
        if (arg.isFloat()) {
          f = arg.asFloat();
        } else if (arg.isInt()) {
          auto r = intToFloat(arg);  // a huge int formats as an infinity, as in Go
          f = r ? *r : (intSign(arg) > 0 ? HUGE_VAL : -HUGE_VAL);
        } else {
          return makeError(conversion(c) + " format requires float, not " +
                           std::string(typeName(arg)));
        }
        writeFloat(out, f, c);
        break;
      }
      case 'c':
        if (arg.isInt()) {
          auto r = asInt32(arg);
          if (!r || *r < 0 || *r > 0x10FFFF) {
            return makeError("%c format requires a valid Unicode code point, got " + str(arg));
          }
          appendUtf8(out, static_cast<uint32_t>(*r));
        } else if (arg.isString()) {
          const std::string_view s = arg.str();
          if (s.empty()) return makeError("%c format requires a single-character string");
          auto [r, n] = decodeUtf8(s);
          if (n != s.size()) return makeError("%c format requires a single-character string");
          appendUtf8(out, r);
        } else {
          return makeError("%c format requires int or single-character string, not " +
                           std::string(typeName(arg)));
        }
        break;
      case '%':
        out += '%';
        break;
      default:
        return makeError("unknown conversion " + conversion(c));
    }
    format.remove_prefix(1);
    ++index;
  }
  if (index < nargs) return makeError("too many arguments for format string");
  return makeString(std::move(out));
}

// ---- iteration ------------------------------------------------------------------------------

namespace {

/// Iterates a list or tuple by index. A list's `iterating` count is raised while the iterator
/// lives (unless the list is frozen, as go.starlark.net does, so that shared frozen lists are
/// never written to).
template <class T>
class SequenceIterator final : public Iterator {
 public:
  explicit SequenceIterator(const Value& v) : v_(v), seq_(v.as<T>()) {
    if constexpr (std::is_same_v<T, List>) {
      counted_ = !seq_->frozen();
      if (counted_) ++seq_->iterating;
    }
  }
  ~SequenceIterator() override {
    if constexpr (std::is_same_v<T, List>) {
      if (counted_) --seq_->iterating;
    }
  }
  bool next(Value& out) override {
    const ValueVector& elems = seq_->elems();
    if (i_ >= elems.size()) return false;
    out = elems[i_++];
    return true;
  }

 private:
  Value v_;
  T* seq_;
  size_t i_ = 0;
  bool counted_ = false;
};

/// Iterates the keys of a dict or set in insertion order.
template <class T>
class TableIterator final : public Iterator {
 public:
  explicit TableIterator(const Value& v) : v_(v), obj_(v.as<T>()), counted_(!obj_->frozen()) {
    if (counted_) ++obj_->iterating;
  }
  ~TableIterator() override {
    if (counted_) --obj_->iterating;
  }
  bool next(Value& out) override {
    const HashTable& t = obj_->table;
    while (i_ < t.slotCount()) {
      const HashTable::Entry& e = t.slot(i_++);
      if (!e.key.isUnbound()) {
        out = e.key;
        return true;
      }
    }
    return false;
  }

 private:
  Value v_;
  T* obj_;
  size_t i_ = 0;
  bool counted_;
};

class RangeIterator final : public Iterator {
 public:
  explicit RangeIterator(const Value& v) : v_(v), range_(v.as<Range>()) {}
  bool next(Value& out) override {
    if (i_ >= *range_->length()) return false;
    out = Value::smallInt(range_->at(i_++));
    return true;
  }

 private:
  Value v_;
  const Range* range_;
  int64_t i_ = 0;
};

Result<ValueVector> tableKeys(const HashTable& t) {
  ValueVector out;
  out.reserve(t.size());
  t.forEach([&](const HashTable::Entry& e) {
    out.push_back(e.key);
    return true;
  });
  return out;
}

}  // namespace

Result<std::unique_ptr<Iterator>> Iterator::of(const Value& x) {
  if (x.isObject()) {
    switch (x.object()->objType()) {
      case ObjType::kList:
        return std::make_unique<SequenceIterator<List>>(x);
      case ObjType::kTuple:
        return std::make_unique<SequenceIterator<Tuple>>(x);
      case ObjType::kDict:
        return std::make_unique<TableIterator<Dict>>(x);
      case ObjType::kSet:
        return std::make_unique<TableIterator<Set>>(x);
      case ObjType::kRange:
        return std::make_unique<RangeIterator>(x);
      default:
        if (std::unique_ptr<Iterator> it = x.object()->iterate()) return it;
        break;
    }
  }
  return makeError(std::string(typeName(x)) + " value is not iterable");
}

Result<ValueVector> collect(const Value& iterable) {
  if (iterable.isObject()) {
    switch (iterable.object()->objType()) {
      case ObjType::kList:
        return iterable.as<List>()->elems();
      case ObjType::kTuple:
        return iterable.as<Tuple>()->elems();
      case ObjType::kDict:
        return tableKeys(iterable.as<Dict>()->table);
      case ObjType::kSet:
        return tableKeys(iterable.as<Set>()->table);
      case ObjType::kRange: {
        const Range* r = iterable.as<Range>();
        ValueVector out;
        out.reserve(static_cast<size_t>(*r->length()));
        for (int64_t i = 0; i < *r->length(); ++i) out.push_back(Value::smallInt(r->at(i)));
        return out;
      }
      default:
        break;
    }
  }
  std::unique_ptr<Iterator> it = TRY(Iterator::of(iterable));
  ValueVector out;
  if (std::optional<int64_t> n = length(iterable); n && *n > 0)
    out.reserve(static_cast<size_t>(*n));
  for (Value v; it->next(v);) out.push_back(std::move(v));
  return out;
}

}  // namespace slant::starlark
