// The Starlark scanner.
//
// This follows go.starlark.net's syntax/scan.go closely, because the parser reports most errors
// at the scanner's position and the conformance tests check those positions. The scanner walks
// the source byte by byte, tracking a 1-based line and a column that counts code points (as Go
// does); "\r\n" and a lone "\r" both read as one newline. Tokens are views into the source; only
// string literals with escapes and big integers allocate.
//
// Indentation. At the start of each line the scanner measures the leading blanks (a tab advances
// to the next multiple of 8). Lines that are blank or hold only a comment, and lines inside
// brackets, do not count. A deeper line pushes its column on a stack and yields INDENT; a
// shallower one pops columns, yielding one OUTDENT each, and must land exactly on an enclosing
// level. At end of file the scanner yields a NEWLINE if the last line had no newline, then
// OUTDENTs back to column 0, then EOF.
//
// Literals. Ints are decimal, 0x hex, 0o octal or 0b binary; the legacy form 0755 is an error,
// as in Go. An int that does not fit int64 is converted to decimal digits with GMP and flagged as
// big. Strings accept single, double and triple quotes, an r prefix for raw strings, and the
// escapes \a \b \f \n \r \t \v \\ \' \" \ooo \xhh \uXXXX \UXXXXXXXX and backslash-newline. Any
// other escape is an error, worded as Go words it.
#include "starlark/syntax/scanner.h"

#include <gmp.h>
#include <locale.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "starlark/utf8.h"

namespace slant::starlark::syntax {

namespace {

// Code point ranges for which Go's unicode.IsLetter holds, above ASCII (generated from Go's
// unicode tables).
struct RuneRange {
  int32_t lo, hi;
};
constexpr RuneRange kLetterRanges[] = {
    {0xAA, 0xAA},       {0xB5, 0xB5},       {0xBA, 0xBA},       {0xC0, 0xD6},
    {0xD8, 0xF6},       {0xF8, 0x2C1},      {0x2C6, 0x2D1},     {0x2E0, 0x2E4},
    {0x2EC, 0x2EC},     {0x2EE, 0x2EE},     {0x370, 0x374},     {0x376, 0x377},
    {0x37A, 0x37D},     {0x37F, 0x37F},     {0x386, 0x386},     {0x388, 0x38A},
    {0x38C, 0x38C},     {0x38E, 0x3A1},     {0x3A3, 0x3F5},     {0x3F7, 0x481},
    {0x48A, 0x52F},     {0x531, 0x556},     {0x559, 0x559},     {0x560, 0x588},
    {0x5D0, 0x5EA},     {0x5EF, 0x5F2},     {0x620, 0x64A},     {0x66E, 0x66F},
    {0x671, 0x6D3},     {0x6D5, 0x6D5},     {0x6E5, 0x6E6},     {0x6EE, 0x6EF},
    {0x6FA, 0x6FC},     {0x6FF, 0x6FF},     {0x710, 0x710},     {0x712, 0x72F},
    {0x74D, 0x7A5},     {0x7B1, 0x7B1},     {0x7CA, 0x7EA},     {0x7F4, 0x7F5},
    {0x7FA, 0x7FA},     {0x800, 0x815},     {0x81A, 0x81A},     {0x824, 0x824},
    {0x828, 0x828},     {0x840, 0x858},     {0x860, 0x86A},     {0x870, 0x887},
    {0x889, 0x88E},     {0x8A0, 0x8C9},     {0x904, 0x939},     {0x93D, 0x93D},
    {0x950, 0x950},     {0x958, 0x961},     {0x971, 0x980},     {0x985, 0x98C},
    {0x98F, 0x990},     {0x993, 0x9A8},     {0x9AA, 0x9B0},     {0x9B2, 0x9B2},
    {0x9B6, 0x9B9},     {0x9BD, 0x9BD},     {0x9CE, 0x9CE},     {0x9DC, 0x9DD},
    {0x9DF, 0x9E1},     {0x9F0, 0x9F1},     {0x9FC, 0x9FC},     {0xA05, 0xA0A},
    {0xA0F, 0xA10},     {0xA13, 0xA28},     {0xA2A, 0xA30},     {0xA32, 0xA33},
    {0xA35, 0xA36},     {0xA38, 0xA39},     {0xA59, 0xA5C},     {0xA5E, 0xA5E},
    {0xA72, 0xA74},     {0xA85, 0xA8D},     {0xA8F, 0xA91},     {0xA93, 0xAA8},
    {0xAAA, 0xAB0},     {0xAB2, 0xAB3},     {0xAB5, 0xAB9},     {0xABD, 0xABD},
    {0xAD0, 0xAD0},     {0xAE0, 0xAE1},     {0xAF9, 0xAF9},     {0xB05, 0xB0C},
    {0xB0F, 0xB10},     {0xB13, 0xB28},     {0xB2A, 0xB30},     {0xB32, 0xB33},
    {0xB35, 0xB39},     {0xB3D, 0xB3D},     {0xB5C, 0xB5D},     {0xB5F, 0xB61},
    {0xB71, 0xB71},     {0xB83, 0xB83},     {0xB85, 0xB8A},     {0xB8E, 0xB90},
    {0xB92, 0xB95},     {0xB99, 0xB9A},     {0xB9C, 0xB9C},     {0xB9E, 0xB9F},
    {0xBA3, 0xBA4},     {0xBA8, 0xBAA},     {0xBAE, 0xBB9},     {0xBD0, 0xBD0},
    {0xC05, 0xC0C},     {0xC0E, 0xC10},     {0xC12, 0xC28},     {0xC2A, 0xC39},
    {0xC3D, 0xC3D},     {0xC58, 0xC5A},     {0xC5D, 0xC5D},     {0xC60, 0xC61},
    {0xC80, 0xC80},     {0xC85, 0xC8C},     {0xC8E, 0xC90},     {0xC92, 0xCA8},
    {0xCAA, 0xCB3},     {0xCB5, 0xCB9},     {0xCBD, 0xCBD},     {0xCDD, 0xCDE},
    {0xCE0, 0xCE1},     {0xCF1, 0xCF2},     {0xD04, 0xD0C},     {0xD0E, 0xD10},
    {0xD12, 0xD3A},     {0xD3D, 0xD3D},     {0xD4E, 0xD4E},     {0xD54, 0xD56},
    {0xD5F, 0xD61},     {0xD7A, 0xD7F},     {0xD85, 0xD96},     {0xD9A, 0xDB1},
    {0xDB3, 0xDBB},     {0xDBD, 0xDBD},     {0xDC0, 0xDC6},     {0xE01, 0xE30},
    {0xE32, 0xE33},     {0xE40, 0xE46},     {0xE81, 0xE82},     {0xE84, 0xE84},
    {0xE86, 0xE8A},     {0xE8C, 0xEA3},     {0xEA5, 0xEA5},     {0xEA7, 0xEB0},
    {0xEB2, 0xEB3},     {0xEBD, 0xEBD},     {0xEC0, 0xEC4},     {0xEC6, 0xEC6},
    {0xEDC, 0xEDF},     {0xF00, 0xF00},     {0xF40, 0xF47},     {0xF49, 0xF6C},
    {0xF88, 0xF8C},     {0x1000, 0x102A},   {0x103F, 0x103F},   {0x1050, 0x1055},
    {0x105A, 0x105D},   {0x1061, 0x1061},   {0x1065, 0x1066},   {0x106E, 0x1070},
    {0x1075, 0x1081},   {0x108E, 0x108E},   {0x10A0, 0x10C5},   {0x10C7, 0x10C7},
    {0x10CD, 0x10CD},   {0x10D0, 0x10FA},   {0x10FC, 0x1248},   {0x124A, 0x124D},
    {0x1250, 0x1256},   {0x1258, 0x1258},   {0x125A, 0x125D},   {0x1260, 0x1288},
    {0x128A, 0x128D},   {0x1290, 0x12B0},   {0x12B2, 0x12B5},   {0x12B8, 0x12BE},
    {0x12C0, 0x12C0},   {0x12C2, 0x12C5},   {0x12C8, 0x12D6},   {0x12D8, 0x1310},
    {0x1312, 0x1315},   {0x1318, 0x135A},   {0x1380, 0x138F},   {0x13A0, 0x13F5},
    {0x13F8, 0x13FD},   {0x1401, 0x166C},   {0x166F, 0x167F},   {0x1681, 0x169A},
    {0x16A0, 0x16EA},   {0x16F1, 0x16F8},   {0x1700, 0x1711},   {0x171F, 0x1731},
    {0x1740, 0x1751},   {0x1760, 0x176C},   {0x176E, 0x1770},   {0x1780, 0x17B3},
    {0x17D7, 0x17D7},   {0x17DC, 0x17DC},   {0x1820, 0x1878},   {0x1880, 0x1884},
    {0x1887, 0x18A8},   {0x18AA, 0x18AA},   {0x18B0, 0x18F5},   {0x1900, 0x191E},
    {0x1950, 0x196D},   {0x1970, 0x1974},   {0x1980, 0x19AB},   {0x19B0, 0x19C9},
    {0x1A00, 0x1A16},   {0x1A20, 0x1A54},   {0x1AA7, 0x1AA7},   {0x1B05, 0x1B33},
    {0x1B45, 0x1B4C},   {0x1B83, 0x1BA0},   {0x1BAE, 0x1BAF},   {0x1BBA, 0x1BE5},
    {0x1C00, 0x1C23},   {0x1C4D, 0x1C4F},   {0x1C5A, 0x1C7D},   {0x1C80, 0x1C88},
    {0x1C90, 0x1CBA},   {0x1CBD, 0x1CBF},   {0x1CE9, 0x1CEC},   {0x1CEE, 0x1CF3},
    {0x1CF5, 0x1CF6},   {0x1CFA, 0x1CFA},   {0x1D00, 0x1DBF},   {0x1E00, 0x1F15},
    {0x1F18, 0x1F1D},   {0x1F20, 0x1F45},   {0x1F48, 0x1F4D},   {0x1F50, 0x1F57},
    {0x1F59, 0x1F59},   {0x1F5B, 0x1F5B},   {0x1F5D, 0x1F5D},   {0x1F5F, 0x1F7D},
    {0x1F80, 0x1FB4},   {0x1FB6, 0x1FBC},   {0x1FBE, 0x1FBE},   {0x1FC2, 0x1FC4},
    {0x1FC6, 0x1FCC},   {0x1FD0, 0x1FD3},   {0x1FD6, 0x1FDB},   {0x1FE0, 0x1FEC},
    {0x1FF2, 0x1FF4},   {0x1FF6, 0x1FFC},   {0x2071, 0x2071},   {0x207F, 0x207F},
    {0x2090, 0x209C},   {0x2102, 0x2102},   {0x2107, 0x2107},   {0x210A, 0x2113},
    {0x2115, 0x2115},   {0x2119, 0x211D},   {0x2124, 0x2124},   {0x2126, 0x2126},
    {0x2128, 0x2128},   {0x212A, 0x212D},   {0x212F, 0x2139},   {0x213C, 0x213F},
    {0x2145, 0x2149},   {0x214E, 0x214E},   {0x2183, 0x2184},   {0x2C00, 0x2CE4},
    {0x2CEB, 0x2CEE},   {0x2CF2, 0x2CF3},   {0x2D00, 0x2D25},   {0x2D27, 0x2D27},
    {0x2D2D, 0x2D2D},   {0x2D30, 0x2D67},   {0x2D6F, 0x2D6F},   {0x2D80, 0x2D96},
    {0x2DA0, 0x2DA6},   {0x2DA8, 0x2DAE},   {0x2DB0, 0x2DB6},   {0x2DB8, 0x2DBE},
    {0x2DC0, 0x2DC6},   {0x2DC8, 0x2DCE},   {0x2DD0, 0x2DD6},   {0x2DD8, 0x2DDE},
    {0x2E2F, 0x2E2F},   {0x3005, 0x3006},   {0x3031, 0x3035},   {0x303B, 0x303C},
    {0x3041, 0x3096},   {0x309D, 0x309F},   {0x30A1, 0x30FA},   {0x30FC, 0x30FF},
    {0x3105, 0x312F},   {0x3131, 0x318E},   {0x31A0, 0x31BF},   {0x31F0, 0x31FF},
    {0x3400, 0x4DBF},   {0x4E00, 0xA48C},   {0xA4D0, 0xA4FD},   {0xA500, 0xA60C},
    {0xA610, 0xA61F},   {0xA62A, 0xA62B},   {0xA640, 0xA66E},   {0xA67F, 0xA69D},
    {0xA6A0, 0xA6E5},   {0xA717, 0xA71F},   {0xA722, 0xA788},   {0xA78B, 0xA7CA},
    {0xA7D0, 0xA7D1},   {0xA7D3, 0xA7D3},   {0xA7D5, 0xA7D9},   {0xA7F2, 0xA801},
    {0xA803, 0xA805},   {0xA807, 0xA80A},   {0xA80C, 0xA822},   {0xA840, 0xA873},
    {0xA882, 0xA8B3},   {0xA8F2, 0xA8F7},   {0xA8FB, 0xA8FB},   {0xA8FD, 0xA8FE},
    {0xA90A, 0xA925},   {0xA930, 0xA946},   {0xA960, 0xA97C},   {0xA984, 0xA9B2},
    {0xA9CF, 0xA9CF},   {0xA9E0, 0xA9E4},   {0xA9E6, 0xA9EF},   {0xA9FA, 0xA9FE},
    {0xAA00, 0xAA28},   {0xAA40, 0xAA42},   {0xAA44, 0xAA4B},   {0xAA60, 0xAA76},
    {0xAA7A, 0xAA7A},   {0xAA7E, 0xAAAF},   {0xAAB1, 0xAAB1},   {0xAAB5, 0xAAB6},
    {0xAAB9, 0xAABD},   {0xAAC0, 0xAAC0},   {0xAAC2, 0xAAC2},   {0xAADB, 0xAADD},
    {0xAAE0, 0xAAEA},   {0xAAF2, 0xAAF4},   {0xAB01, 0xAB06},   {0xAB09, 0xAB0E},
    {0xAB11, 0xAB16},   {0xAB20, 0xAB26},   {0xAB28, 0xAB2E},   {0xAB30, 0xAB5A},
    {0xAB5C, 0xAB69},   {0xAB70, 0xABE2},   {0xAC00, 0xD7A3},   {0xD7B0, 0xD7C6},
    {0xD7CB, 0xD7FB},   {0xF900, 0xFA6D},   {0xFA70, 0xFAD9},   {0xFB00, 0xFB06},
    {0xFB13, 0xFB17},   {0xFB1D, 0xFB1D},   {0xFB1F, 0xFB28},   {0xFB2A, 0xFB36},
    {0xFB38, 0xFB3C},   {0xFB3E, 0xFB3E},   {0xFB40, 0xFB41},   {0xFB43, 0xFB44},
    {0xFB46, 0xFBB1},   {0xFBD3, 0xFD3D},   {0xFD50, 0xFD8F},   {0xFD92, 0xFDC7},
    {0xFDF0, 0xFDFB},   {0xFE70, 0xFE74},   {0xFE76, 0xFEFC},   {0xFF21, 0xFF3A},
    {0xFF41, 0xFF5A},   {0xFF66, 0xFFBE},   {0xFFC2, 0xFFC7},   {0xFFCA, 0xFFCF},
    {0xFFD2, 0xFFD7},   {0xFFDA, 0xFFDC},   {0x10000, 0x1000B}, {0x1000D, 0x10026},
    {0x10028, 0x1003A}, {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D},
    {0x10080, 0x100FA}, {0x10280, 0x1029C}, {0x102A0, 0x102D0}, {0x10300, 0x1031F},
    {0x1032D, 0x10340}, {0x10342, 0x10349}, {0x10350, 0x10375}, {0x10380, 0x1039D},
    {0x103A0, 0x103C3}, {0x103C8, 0x103CF}, {0x10400, 0x1049D}, {0x104B0, 0x104D3},
    {0x104D8, 0x104FB}, {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A},
    {0x1057C, 0x1058A}, {0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1},
    {0x105A3, 0x105B1}, {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736},
    {0x10740, 0x10755}, {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0},
    {0x107B2, 0x107BA}, {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835},
    {0x10837, 0x10838}, {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876},
    {0x10880, 0x1089E}, {0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915},
    {0x10920, 0x10939}, {0x10980, 0x109B7}, {0x109BE, 0x109BF}, {0x10A00, 0x10A00},
    {0x10A10, 0x10A13}, {0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A60, 0x10A7C},
    {0x10A80, 0x10A9C}, {0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE4}, {0x10B00, 0x10B35},
    {0x10B40, 0x10B55}, {0x10B60, 0x10B72}, {0x10B80, 0x10B91}, {0x10C00, 0x10C48},
    {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x10D00, 0x10D23}, {0x10E80, 0x10EA9},
    {0x10EB0, 0x10EB1}, {0x10F00, 0x10F1C}, {0x10F27, 0x10F27}, {0x10F30, 0x10F45},
    {0x10F70, 0x10F81}, {0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6}, {0x11003, 0x11037},
    {0x11071, 0x11072}, {0x11075, 0x11075}, {0x11083, 0x110AF}, {0x110D0, 0x110E8},
    {0x11103, 0x11126}, {0x11144, 0x11144}, {0x11147, 0x11147}, {0x11150, 0x11172},
    {0x11176, 0x11176}, {0x11183, 0x111B2}, {0x111C1, 0x111C4}, {0x111DA, 0x111DA},
    {0x111DC, 0x111DC}, {0x11200, 0x11211}, {0x11213, 0x1122B}, {0x1123F, 0x11240},
    {0x11280, 0x11286}, {0x11288, 0x11288}, {0x1128A, 0x1128D}, {0x1128F, 0x1129D},
    {0x1129F, 0x112A8}, {0x112B0, 0x112DE}, {0x11305, 0x1130C}, {0x1130F, 0x11310},
    {0x11313, 0x11328}, {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339},
    {0x1133D, 0x1133D}, {0x11350, 0x11350}, {0x1135D, 0x11361}, {0x11400, 0x11434},
    {0x11447, 0x1144A}, {0x1145F, 0x11461}, {0x11480, 0x114AF}, {0x114C4, 0x114C5},
    {0x114C7, 0x114C7}, {0x11580, 0x115AE}, {0x115D8, 0x115DB}, {0x11600, 0x1162F},
    {0x11644, 0x11644}, {0x11680, 0x116AA}, {0x116B8, 0x116B8}, {0x11700, 0x1171A},
    {0x11740, 0x11746}, {0x11800, 0x1182B}, {0x118A0, 0x118DF}, {0x118FF, 0x11906},
    {0x11909, 0x11909}, {0x1190C, 0x11913}, {0x11915, 0x11916}, {0x11918, 0x1192F},
    {0x1193F, 0x1193F}, {0x11941, 0x11941}, {0x119A0, 0x119A7}, {0x119AA, 0x119D0},
    {0x119E1, 0x119E1}, {0x119E3, 0x119E3}, {0x11A00, 0x11A00}, {0x11A0B, 0x11A32},
    {0x11A3A, 0x11A3A}, {0x11A50, 0x11A50}, {0x11A5C, 0x11A89}, {0x11A9D, 0x11A9D},
    {0x11AB0, 0x11AF8}, {0x11C00, 0x11C08}, {0x11C0A, 0x11C2E}, {0x11C40, 0x11C40},
    {0x11C72, 0x11C8F}, {0x11D00, 0x11D06}, {0x11D08, 0x11D09}, {0x11D0B, 0x11D30},
    {0x11D46, 0x11D46}, {0x11D60, 0x11D65}, {0x11D67, 0x11D68}, {0x11D6A, 0x11D89},
    {0x11D98, 0x11D98}, {0x11EE0, 0x11EF2}, {0x11F02, 0x11F02}, {0x11F04, 0x11F10},
    {0x11F12, 0x11F33}, {0x11FB0, 0x11FB0}, {0x12000, 0x12399}, {0x12480, 0x12543},
    {0x12F90, 0x12FF0}, {0x13000, 0x1342F}, {0x13441, 0x13446}, {0x14400, 0x14646},
    {0x16800, 0x16A38}, {0x16A40, 0x16A5E}, {0x16A70, 0x16ABE}, {0x16AD0, 0x16AED},
    {0x16B00, 0x16B2F}, {0x16B40, 0x16B43}, {0x16B63, 0x16B77}, {0x16B7D, 0x16B8F},
    {0x16E40, 0x16E7F}, {0x16F00, 0x16F4A}, {0x16F50, 0x16F50}, {0x16F93, 0x16F9F},
    {0x16FE0, 0x16FE1}, {0x16FE3, 0x16FE3}, {0x17000, 0x187F7}, {0x18800, 0x18CD5},
    {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE},
    {0x1B000, 0x1B122}, {0x1B132, 0x1B132}, {0x1B150, 0x1B152}, {0x1B155, 0x1B155},
    {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C},
    {0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99}, {0x1D400, 0x1D454}, {0x1D456, 0x1D49C},
    {0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC},
    {0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505},
    {0x1D507, 0x1D50A}, {0x1D50D, 0x1D514}, {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539},
    {0x1D53B, 0x1D53E}, {0x1D540, 0x1D544}, {0x1D546, 0x1D546}, {0x1D54A, 0x1D550},
    {0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA},
    {0x1D6FC, 0x1D714}, {0x1D716, 0x1D734}, {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E},
    {0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB},
    {0x1DF00, 0x1DF1E}, {0x1DF25, 0x1DF2A}, {0x1E030, 0x1E06D}, {0x1E100, 0x1E12C},
    {0x1E137, 0x1E13D}, {0x1E14E, 0x1E14E}, {0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB},
    {0x1E4D0, 0x1E4EB}, {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE},
    {0x1E7F0, 0x1E7FE}, {0x1E800, 0x1E8C4}, {0x1E900, 0x1E943}, {0x1E94B, 0x1E94B},
    {0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24},
    {0x1EE27, 0x1EE27}, {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39},
    {0x1EE3B, 0x1EE3B}, {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49},
    {0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54},
    {0x1EE57, 0x1EE57}, {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D},
    {0x1EE5F, 0x1EE5F}, {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A},
    {0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E},
    {0x1EE80, 0x1EE89}, {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9},
    {0x1EEAB, 0x1EEBB}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B739}, {0x2B740, 0x2B81D},
    {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D}, {0x30000, 0x3134A},
    {0x31350, 0x323AF},
};

bool isLetter(int32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  const RuneRange* end = std::end(kLetterRanges);
  const RuneRange* it = std::upper_bound(std::begin(kLetterRanges), end, r,
                                         [](int32_t v, const RuneRange& rr) { return v < rr.lo; });
  return it != std::begin(kLetterRanges) && r <= (it - 1)->hi;
}

bool isDigit(int32_t c) { return c >= '0' && c <= '9'; }
bool isOctDigit(int32_t c) { return c >= '0' && c <= '7'; }
bool isBinDigit(int32_t c) { return c == '0' || c == '1'; }
bool isHexDigit(int32_t c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isIdentStart(int32_t c) { return c == '_' || isLetter(c); }
bool isIdentChar(int32_t c) { return isDigit(c) || isIdentStart(c); }

// ASCII identifier bytes, for the fast path of identifier scanning.
constexpr bool isAsciiIdentByte(unsigned char b) {
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
}

constexpr int32_t kRuneError = 0xFFFD;

// Decodes one UTF-8 sequence as Go's utf8.DecodeRune does: an invalid or truncated sequence
// yields U+FFFD and a size of 1.
int32_t decodeRune(const char* p, const char* end, int* size) {
  auto b0 = static_cast<unsigned char>(p[0]);
  auto cont = [&](int i, unsigned char lo, unsigned char hi) {
    if (p + i >= end) return false;
    auto b = static_cast<unsigned char>(p[i]);
    return b >= lo && b <= hi;
  };
  *size = 1;
  if (b0 < 0x80) return b0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!cont(1, 0x80, 0xBF)) return kRuneError;
    *size = 2;
    return ((b0 & 0x1F) << 6) | (p[1] & 0x3F);
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2, 0x80, 0xBF)) return kRuneError;
    *size = 3;
    return ((b0 & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2, 0x80, 0xBF) || !cont(3, 0x80, 0xBF)) return kRuneError;
    *size = 4;
    return ((b0 & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  }
  return kRuneError;
}

bool isValidUtf8(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p != end) {
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
      continue;
    }
    int size;
    if (decodeRune(p, end, &size) == kRuneError && size == 1) return false;
    p += size;
  }
  return true;
}

std::string replaceInvalidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  const char* p = s.data();
  const char* end = p + s.size();
  while (p != end) {
    int size;
    int32_t r = decodeRune(p, end, &size);
    if (r == kRuneError && size == 1) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(p, size);
    }
    p += size;
  }
  return out;
}

// Returns the keyword token for s, kIllegal for a reserved word (as go.starlark.net reserves
// them), or kIdent.
Token keywordToken(std::string_view s) {
  if (s.size() < 2 || s.size() > 8) return Token::kIdent;
  auto is = [&](std::string_view w) { return s == w; };
  switch (s[0]) {
    case 'a':
      if (is("and")) return Token::kAnd;
      if (is("as")) return Token::kIllegal;
      break;
    case 'b':
      if (is("break")) return Token::kBreak;
      break;
    case 'c':
      if (is("continue")) return Token::kContinue;
      if (is("class")) return Token::kIllegal;
      break;
    case 'd':
      if (is("def")) return Token::kDef;
      if (is("del")) return Token::kIllegal;
      break;
    case 'e':
      if (is("else")) return Token::kElse;
      if (is("elif")) return Token::kElif;
      if (is("except")) return Token::kIllegal;
      break;
    case 'f':
      if (is("for")) return Token::kFor;
      if (is("finally") || is("from")) return Token::kIllegal;
      break;
    case 'g':
      if (is("global")) return Token::kIllegal;
      break;
    case 'i':
      if (is("if")) return Token::kIf;
      if (is("in")) return Token::kIn;
      if (is("import") || is("is")) return Token::kIllegal;
      break;
    case 'l':
      if (is("lambda")) return Token::kLambda;
      if (is("load")) return Token::kLoad;
      break;
    case 'n':
      if (is("not")) return Token::kNot;
      if (is("nonlocal")) return Token::kIllegal;
      break;
    case 'o':
      if (is("or")) return Token::kOr;
      break;
    case 'p':
      if (is("pass")) return Token::kPass;
      break;
    case 'r':
      if (is("return")) return Token::kReturn;
      if (is("raise")) return Token::kIllegal;
      break;
    case 't':
      if (is("try")) return Token::kIllegal;
      break;
    case 'w':
      if (is("while")) return Token::kWhile;
      if (is("with")) return Token::kIllegal;
      break;
    case 'y':
      if (is("yield")) return Token::kIllegal;
      break;
    default:
      break;
  }
  return Token::kIdent;
}

// Parses a float literal as Go's strconv.ParseFloat: overflow to infinity is an error, underflow
// is not. Uses the C locale whatever the process locale is.
bool parseFloat(std::string_view text, double* out) {
  static locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", static_cast<locale_t>(nullptr));
  std::string buf(text);
  char* end = nullptr;
  double d = strtod_l(buf.c_str(), &end, c_locale);
  if (end != buf.c_str() + buf.size() || std::isinf(d)) return false;
  *out = d;
  return true;
}

}  // namespace

std::string decodeStringBody(std::string_view body, bool raw, std::string& out) {
  out.clear();
  const char* specials = raw ? "\r" : "\\\r";
  size_t i = 0;
  while (i < body.size()) {
    size_t j = body.find_first_of(specials, i);
    if (j == std::string_view::npos) {
      out.append(body.substr(i));
      break;
    }
    out.append(body.substr(i, j - i));
    i = j;
    if (body[i] == '\r') {
      out += '\n';
      i += (i + 1 < body.size() && body[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    // A backslash escape. The scanner guarantees a character follows.
    if (i + 1 >= body.size()) return "truncated escape sequence \\";
    char e = body[i + 1];
    switch (e) {
      case '\n':
        i += 2;
        break;
      case '\r':
        i += (i + 2 < body.size() && body[i + 2] == '\n') ? 3 : 2;
        break;
      case 'a':
        out += '\a';
        i += 2;
        break;
      case 'b':
        out += '\b';
        i += 2;
        break;
      case 'f':
        out += '\f';
        i += 2;
        break;
      case 'n':
        out += '\n';
        i += 2;
        break;
      case 'r':
        out += '\r';
        i += 2;
        break;
      case 't':
        out += '\t';
        i += 2;
        break;
      case 'v':
        out += '\v';
        i += 2;
        break;
      case '\\':
      case '\'':
      case '"':
        out += e;
        i += 2;
        break;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        int n = e - '0';
        i += 2;
        for (int k = 1; k < 3 && i < body.size() && isOctDigit(body[i]); ++k, ++i) {
          n = n * 8 + (body[i] - '0');
        }
        if (n >= 256) {
          char buf[16];
          snprintf(buf, sizeof buf, "%03o", n);
          return std::string("invalid escape sequence \\") + buf;
        }
        out += static_cast<char>(n);
        break;
      }
      case 'x': {
        std::string_view rest = body.substr(i);
        if (rest.size() < 4) return "truncated escape sequence " + std::string(rest);
        if (!isHexDigit(rest[2]) || !isHexDigit(rest[3])) {
          return "invalid escape sequence " + std::string(rest.substr(0, 4));
        }
        out += static_cast<char>(std::stoi(std::string(rest.substr(2, 2)), nullptr, 16));
        i += 4;
        break;
      }
      case 'u':
      case 'U': {
        size_t size = e == 'u' ? 6 : 10;
        std::string_view rest = body.substr(i);
        if (rest.size() < size) return "truncated escape sequence " + std::string(rest);
        uint32_t n = 0;
        for (size_t k = 2; k < size; ++k) {
          char h = rest[k];
          if (!isHexDigit(h)) return "invalid escape sequence " + std::string(rest.substr(0, size));
          n = n * 16 + (isDigit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        if (n > 0x10FFFF) {
          // Go prints the value itself after "max" (sic).
          char buf[24];
          snprintf(buf, sizeof buf, " (max \\U%08x)", n);
          return "code point out of range: " + std::string(rest.substr(0, size)) + buf;
        }
        if (n >= 0xD800 && n < 0xE000) {
          char buf[48];
          snprintf(buf, sizeof buf, "invalid Unicode code point U+%04X", n);
          return buf;
        }
        appendUtf8(out, static_cast<int32_t>(n));
        i += size;
        break;
      }
      default: {
        // Go formats the offending byte with %c, which reads it as a Latin-1 code point.
        std::string msg = "invalid escape sequence \\";
        appendUtf8(msg, static_cast<unsigned char>(e));
        return msg;
      }
    }
  }
  return {};
}

Scanner::Scanner(const std::string* file, std::string_view source)
    : p_(source.data()), end_(source.data() + source.size()) {
  pos_.file = file;
  pos_.line = 1;
  pos_.col = 1;
  indents_.reserve(16);
  indents_.push_back(0);
}

void Scanner::fail(Position pos, std::string msg, bool at_eof) const {
  throw SyntaxError{pos, std::move(msg), at_eof};
}

// peekRune returns the next code point without consuming it, 0 at end of input (and, as in Go,
// for a NUL byte), and '\n' for '\r'.
int32_t Scanner::peekRune() const {
  if (p_ == end_) return 0;
  auto b = static_cast<unsigned char>(*p_);
  if (b < 0x80) return b == '\r' ? '\n' : b;
  int size;
  return decodeRune(p_, end_, &size);
}

// readRune consumes one code point (a "\r\n" pair counts as one '\n') and advances the position.
// The caller has checked that input remains.
int32_t Scanner::readRune() {
  auto b = static_cast<unsigned char>(*p_);
  if (b < 0x80) {
    ++p_;
    if (b == '\r') {
      if (p_ != end_ && *p_ == '\n') ++p_;
      b = '\n';
    }
    if (b == '\n') {
      pos_.line++;
      pos_.col = 1;
    } else {
      pos_.col++;
    }
    return b;
  }
  int size;
  int32_t r = decodeRune(p_, end_, &size);
  p_ += size;
  pos_.col++;
  return r;
}

Token Scanner::next(TokenValue& val) {
  val.is_big_int = false;
  for (;;) {
    int32_t c = 0;

    // Leading blanks of a line: compute the indentation level.
    bool blank = false;
    bool saved_line_start = line_start_;
    if (line_start_) {
      line_start_ = false;
      int col = 0;
      for (; p_ != end_ && (*p_ == ' ' || *p_ == '\t'); ++p_, ++pos_.col) {
        col += *p_ == ' ' ? 1 : 8 - (pos_.col - 1) % 8;
      }
      c = peekRune();
      blank = c == '#' || c == '\n' || c == 0;
      if (!blank && depth_ == 0) {
        int cur = indents_.back();
        if (col > cur) {
          dents_++;
          indents_.push_back(col);
        } else if (col < cur) {
          while (!indents_.empty() && col < indents_.back()) {
            dents_--;
            indents_.pop_back();
          }
          if (indents_.empty() || col != indents_.back()) {
            fail(pos_, "unindent does not match any outer indentation level");
          }
        }
      }
    }

    // Pending INDENT/OUTDENT tokens.
    if (dents_ != 0) {
      val.pos = pos_;
      val.raw = {};
      if (dents_ < 0) {
        dents_++;
        return Token::kOutdent;
      }
      dents_--;
      return Token::kIndent;
    }

    for (; p_ != end_ && (*p_ == ' ' || *p_ == '\t'); ++p_) ++pos_.col;
    c = peekRune();

    if (c == '#') {
      // A comment runs to the end of the line (the newline is not part of it).
      while (p_ != end_ && *p_ != '\n' && *p_ != '\r' && *p_ != '\0') {
        if (static_cast<unsigned char>(*p_) < 0x80) {
          ++p_;
          ++pos_.col;
        } else {
          readRune();
        }
      }
      c = peekRune();
    }

    if (c == '\n') {
      line_start_ = true;
      // Newlines inside brackets, and blank lines, are not tokens.
      if (depth_ > 0 || blank) {
        readRune();
        continue;
      }
      val.pos = pos_;
      readRune();
      val.raw = "\n";
      return Token::kNewline;
    }

    if (c == 0) {
      // End of input: a NEWLINE if the last line lacked one, then OUTDENTs, then EOF.
      if (indents_.size() > 1) {
        if (saved_line_start) {
          dents_ = 1 - static_cast<int>(indents_.size());
          indents_.erase(indents_.begin() + 1, indents_.end());
          continue;
        }
        line_start_ = true;
        val.pos = pos_;
        val.raw = "\n";
        return Token::kNewline;
      }
      val.pos = pos_;
      val.raw = {};
      return Token::kEof;
    }

    if (c == '\\') {
      readRune();
      if (peekRune() != '\n') fail(pos_, "stray backslash in program");
      readRune();
      continue;
    }

    // The start of a token.
    val.pos = pos_;
    const char* start = p_;

    if (c == ',') {
      readRune();
      val.raw = std::string_view(start, 1);
      return Token::kComma;
    }

    if (c == '"' || c == '\'') return scanString(val, c, Token::kString, false);

    if (isIdentStart(c)) {
      if ((c == 'r' || c == 'b') && end_ - p_ > 1 && (p_[1] == '"' || p_[1] == '\'')) {
        readRune();
        return scanString(val, peekRune(), c == 'r' ? Token::kString : Token::kBytes, c == 'r');
      }
      for (;;) {
        if (p_ == end_) break;
        auto b = static_cast<unsigned char>(*p_);
        if (isAsciiIdentByte(b)) {
          ++p_;
          ++pos_.col;
          continue;
        }
        if (b < 0x80) break;
        int size;
        if (!isIdentChar(decodeRune(p_, end_, &size))) break;
        p_ += size;
        ++pos_.col;
      }
      val.raw = std::string_view(start, p_ - start);
      return keywordToken(val.raw);
    }

    switch (c) {
      case '(':
      case '[':
      case '{':
        depth_++;
        readRune();
        val.raw = std::string_view(start, 1);
        return c == '(' ? Token::kLParen : c == '[' ? Token::kLBrack : Token::kLBrace;
      case ')':
      case ']':
      case '}':
        if (depth_ == 0) fail(pos_, "unexpected " + quoteRune(c));
        depth_--;
        readRune();
        val.raw = std::string_view(start, 1);
        return c == ')' ? Token::kRParen : c == ']' ? Token::kRBrack : Token::kRBrace;
      default:
        break;
    }

    if (isDigit(c) || c == '.') return scanNumber(val, c);

    Token tok = Token::kIllegal;
    auto accept = [&](char want) {
      if (peekRune() != want) return false;
      readRune();
      return true;
    };
    switch (c) {
      case '=':
      case '<':
      case '>':
      case '!':
      case '+':
      case '-':
      case '%':
      case '/':
      case '&':
      case '|':
      case '^': {
        Position op_pos = pos_;
        readRune();
        if (accept('=')) {
          switch (c) {
            case '<':
              tok = Token::kLe;
              break;
            case '>':
              tok = Token::kGe;
              break;
            case '=':
              tok = Token::kEql;
              break;
            case '!':
              tok = Token::kNeq;
              break;
            case '+':
              tok = Token::kPlusEq;
              break;
            case '-':
              tok = Token::kMinusEq;
              break;
            case '/':
              tok = Token::kSlashEq;
              break;
            case '%':
              tok = Token::kPercentEq;
              break;
            case '&':
              tok = Token::kAmpEq;
              break;
            case '|':
              tok = Token::kPipeEq;
              break;
            case '^':
              tok = Token::kCircumflexEq;
              break;
          }
          break;
        }
        switch (c) {
          case '=':
            tok = Token::kEq;
            break;
          case '<':
            tok = accept('<') ? (accept('=') ? Token::kLtLtEq : Token::kLtLt) : Token::kLt;
            break;
          case '>':
            tok = accept('>') ? (accept('=') ? Token::kGtGtEq : Token::kGtGt) : Token::kGt;
            break;
          case '!':
            fail(op_pos, "unexpected input character '!'");
          case '+':
            tok = Token::kPlus;
            break;
          case '-':
            tok = Token::kMinus;
            break;
          case '/':
            tok = accept('/') ? (accept('=') ? Token::kSlashSlashEq : Token::kSlashSlash)
                              : Token::kSlash;
            break;
          case '%':
            tok = Token::kPercent;
            break;
          case '&':
            tok = Token::kAmp;
            break;
          case '|':
            tok = Token::kPipe;
            break;
          case '^':
            tok = Token::kCircumflex;
            break;
        }
        break;
      }
      case ':':
        readRune();
        tok = Token::kColon;
        break;
      case ';':
        readRune();
        tok = Token::kSemi;
        break;
      case '~':
        readRune();
        tok = Token::kTilde;
        break;
      case '*':
        readRune();
        tok = accept('*') ? Token::kStarStar : accept('=') ? Token::kStarEq : Token::kStar;
        break;
      default:
        fail(pos_, "unexpected input character " + quoteRune(c));
    }
    val.raw = std::string_view(start, p_ - start);
    return tok;
  }
}

Token Scanner::scanString(TokenValue& val, int32_t quote, Token kind, bool raw) {
  // `val.pos` and the token start were recorded by next(); a prefix letter may precede p_.
  const char* token_start = p_ - (kind == Token::kString && !raw ? 0 : 1);
  Position start = pos_;
  const char q = static_cast<char>(quote);
  bool triple = end_ - p_ >= 3 && p_[1] == q && p_[2] == q;
  readRune();
  const char* body_start;
  const char* body_end;
  bool plain = true;  // the body is ASCII without escapes or \r: its bytes are its value
  if (!triple) {
    body_start = p_;
    for (;;) {
      if (p_ == end_) fail(val.pos, "unexpected EOF in string", true);
      auto b = static_cast<unsigned char>(*p_);
      if (b == static_cast<unsigned char>(q)) {
        ++p_;
        ++pos_.col;
        break;
      }
      if (b == '\n' || b == '\r') fail(val.pos, "unexpected newline in string");
      if (b >= 0x80 || b == '\\') {
        plain = false;
        readRune();
        if (b == '\\') {
          if (p_ == end_) fail(val.pos, "unexpected EOF in string", true);
          readRune();
        }
        continue;
      }
      ++p_;
      ++pos_.col;
    }
    body_end = p_ - 1;
  } else {
    plain = false;
    readRune();
    readRune();
    body_start = p_;
    int quotes = 0;
    for (;;) {
      if (p_ == end_) fail(val.pos, "unexpected EOF in string", true);
      int32_t c = readRune();
      if (c == quote) {
        if (++quotes == 3) break;
      } else {
        quotes = 0;
      }
      if (c == '\\') {
        if (p_ == end_) fail(val.pos, "unexpected EOF in string", true);
        readRune();
      }
    }
    body_end = p_ - 3;
  }
  val.raw = std::string_view(token_start, p_ - token_start);
  std::string_view body(body_start, body_end - body_start);
  if (plain) {
    val.string_value.assign(body);
    return kind;
  }
  // go.starlark.net reads a literal rune by rune, so an invalid UTF-8 byte in the source text of
  // a string becomes U+FFFD (an escape such as \xff still yields the byte itself).
  std::string sanitized;
  if (!isValidUtf8(body)) {
    sanitized = replaceInvalidUtf8(body);
    body = sanitized;
  }
  if (body.find_first_of(raw ? "\r" : "\\\r") == std::string_view::npos) {
    val.string_value.assign(body);
  } else {
    std::string err = decodeStringBody(body, raw, val.string_value);
    if (!err.empty()) fail(start, std::move(err));
  }
  return kind;
}

Token Scanner::scanNumber(TokenValue& val, int32_t c) {
  const char* token_start = p_;
  Position start = pos_;
  bool fraction = false;
  bool exponent = false;
  auto skip = [&](bool (*pred)(int32_t)) {
    while (pred(c)) {
      readRune();
      c = peekRune();
    }
  };

  if (c == '.') {
    readRune();
    c = peekRune();
    if (!isDigit(c)) {
      val.raw = std::string_view(token_start, 1);
      return Token::kDot;
    }
    fraction = true;
  } else if (c == '0') {
    readRune();
    c = peekRune();
    if (c == '.') {
      fraction = true;
    } else if (c == 'x' || c == 'X') {
      readRune();
      c = peekRune();
      if (!isHexDigit(c)) fail(start, "invalid hex literal");
      skip(isHexDigit);
    } else if (c == 'o' || c == 'O') {
      readRune();
      c = peekRune();
      if (!isOctDigit(c)) fail(pos_, "invalid octal literal");
      skip(isOctDigit);
    } else if (c == 'b' || c == 'B') {
      readRune();
      c = peekRune();
      if (!isBinDigit(c)) fail(pos_, "invalid binary literal");
      skip(isBinDigit);
    } else {
      // A float, or the obsolete octal form 0755.
      bool all_zeros = true;
      bool octal = true;
      while (isDigit(c)) {
        if (c != '0') all_zeros = false;
        if (c > '7') octal = false;
        readRune();
        c = peekRune();
      }
      if (c == '.') {
        fraction = true;
      } else if (c == 'e' || c == 'E') {
        exponent = true;
      } else if (octal && !all_zeros) {
        fail(pos_, "obsolete form of octal literal; use 0o" +
                       std::string(token_start + 1, p_ - token_start - 1));
      }
    }
  } else {
    skip(isDigit);
    if (c == '.') {
      fraction = true;
    } else if (c == 'e' || c == 'E') {
      exponent = true;
    }
  }

  if (fraction) {
    readRune();  // '.'
    c = peekRune();
    skip(isDigit);
    if (c == 'e' || c == 'E') exponent = true;
  }
  if (exponent) {
    readRune();  // [eE]
    c = peekRune();
    if (c == '+' || c == '-') {
      readRune();
      c = peekRune();
      if (!isDigit(c)) fail(pos_, "invalid float literal");
    }
    skip(isDigit);
  }

  std::string_view s(token_start, p_ - token_start);
  val.raw = s;
  if (fraction || exponent) {
    if (!parseFloat(s, &val.float_value)) fail(pos_, "invalid float literal");
    return Token::kFloat;
  }

  // An int: find its base and digits (Go's ParseInt with base 0 reads a leading 0 as octal).
  int base = 10;
  std::string_view digits = s;
  if (s.size() > 2 && s[0] == '0') {
    char b = static_cast<char>(s[1] | 0x20);
    if (b == 'x') {
      base = 16;
      digits = s.substr(2);
    } else if (b == 'o') {
      base = 8;
      digits = s.substr(2);
    } else if (b == 'b') {
      base = 2;
      digits = s.substr(2);
    }
  }
  if (base == 10 && s.size() > 1 && s[0] == '0') {
    base = 8;
    digits = s.substr(1);
  }
  uint64_t value = 0;
  bool overflow = false;
  for (char d : digits) {
    int v = isDigit(d) ? d - '0' : (d | 0x20) - 'a' + 10;
    if (v >= base) fail(start, "invalid int literal");
    if (value > (UINT64_MAX - v) / base) overflow = true;
    value = value * base + v;
  }
  if (!overflow && value <= static_cast<uint64_t>(INT64_MAX)) {
    val.int_value = static_cast<int64_t>(value);
    return Token::kInt;
  }
  val.is_big_int = true;
  val.int_value = 0;
  if (base == 10) {
    val.string_value.assign(digits);
  } else {
    std::string text(digits);
    mpz_t z;
    mpz_init_set_str(z, text.c_str(), base);
    val.string_value.resize(mpz_sizeinbase(z, 10) + 2);
    mpz_get_str(val.string_value.data(), 10, z);
    val.string_value.resize(strlen(val.string_value.c_str()));
    mpz_clear(z);
  }
  return Token::kInt;
}

Result<std::vector<ScannedToken>> scanAll(const std::string& path, std::string_view source) {
  std::vector<ScannedToken> out;
  try {
    Scanner scanner(&path, source);
    for (;;) {
      ScannedToken t;
      t.token = scanner.next(t.value);
      out.push_back(std::move(t));
      if (out.back().token == Token::kEof) break;
    }
  } catch (const SyntaxError& e) {
    return makeError(e.str());
  }
  return out;
}

}  // namespace slant::starlark::syntax
