/* Memory and OS formats on buffers: /proc/meminfo, raw SMBIOS tables, /etc/os-release.
 * Plain C, so they build everywhere: Windows hands the same SMBIOS bytes to cllm_parse_smbios_memory. */
#include "hw/hw.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hw_priv.h"

/* ---------------------------------------------------------------- /proc/meminfo */

struct meminfo_key {
    const char *key;
    size_t      offset; /* of the int64_t field in struct cllm_ram_info */
    const char *field;  /* reason key */
};

static const struct meminfo_key meminfo_keys[] = {
    {"MemTotal", offsetof(struct cllm_ram_info, total_bytes), "total_bytes"},
    {"MemAvailable", offsetof(struct cllm_ram_info, available_bytes), "available_bytes"},
    {"SwapTotal", offsetof(struct cllm_ram_info, swap_total_bytes), "swap_total_bytes"},
    {"SwapFree", offsetof(struct cllm_ram_info, swap_free_bytes), "swap_free_bytes"},
};

enum cllm_status cllm_parse_meminfo(const char *buf, struct cllm_ram_info *out)
{
    const size_t nkeys = sizeof(meminfo_keys) / sizeof(meminfo_keys[0]);
    bool found[sizeof(meminfo_keys) / sizeof(meminfo_keys[0])] = {false};
    const char *line = buf;

    if (!buf || !out)
        return CLLM_ERR_INVALID_ARG;
    while (*line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *colon = memchr(line, ':', len);

        if (colon) {
            size_t klen = (size_t)(colon - line);
            for (size_t i = 0; i < nkeys; i++) {
                if (found[i] || strlen(meminfo_keys[i].key) != klen || memcmp(line, meminfo_keys[i].key, klen) != 0)
                    continue;
                char *end;
                long long v = strtoll(colon + 1, &end, 10);
                if (end == colon + 1 || v < 0 || v > INT64_MAX / 1024)   /* not a size a machine has */
                    break;
                while (*end == ' ' || *end == '\t')
                    end++;
                /* the kernel writes "kB" meaning KiB; a bare number would be pages or bytes */
                if (strncmp(end, "kB", 2) == 0)
                    v *= 1024;
                *(int64_t *)((char *)out + meminfo_keys[i].offset) = (int64_t)v;
                found[i] = true;
                cllm_reason_clear(&out->why, meminfo_keys[i].field);
                break;
            }
        }
        line += len;
        if (*line == '\n')
            line++;
    }
    for (size_t i = 0; i < nkeys; i++) {
        if (found[i])
            continue;
        if (strcmp(meminfo_keys[i].key, "MemAvailable") == 0)
            cllm_reason_set(&out->why, meminfo_keys[i].field, "no MemAvailable in /proc/meminfo (kernel before 3.14)");
        else
            cllm_reason_set(&out->why, meminfo_keys[i].field, "no %s in /proc/meminfo", meminfo_keys[i].key);
    }
    return found[0] ? CLLM_OK : CLLM_ERR_PARSE;
}

/* ---------------------------------------------------------------- SMBIOS */

/* SMBIOS 3.x, 7.18.2 "Memory Device — Type": DRAM generations only; "RAM", "Other", "Unknown" say nothing. */
static const char *smbios_memory_type(unsigned t)
{
    switch (t) {
    case 0x0f: return "SDRAM";
    case 0x12: return "DDR";
    case 0x13: return "DDR2";
    case 0x14: return "DDR2 FB-DIMM";
    case 0x18: return "DDR3";
    case 0x19: return "FBD2";
    case 0x1a: return "DDR4";
    case 0x1b: return "LPDDR";
    case 0x1c: return "LPDDR2";
    case 0x1d: return "LPDDR3";
    case 0x1e: return "LPDDR4";
    case 0x20: return "HBM";
    case 0x21: return "HBM2";
    case 0x22: return "DDR5";
    case 0x23: return "LPDDR5";
    case 0x24: return "HBM3";
    default: return NULL;
    }
}

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | ((unsigned)p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Speed of one type-17 structure in MT/s: configured (what the controller runs) before rated; 0 unknown. */
static unsigned device_speed(const unsigned char *s, unsigned slen)
{
    unsigned v;

    if (slen >= 0x22) {
        v = rd16(s + 0x20);
        if (v == 0xffff && slen >= 0x5c)
            return rd32(s + 0x58) & 0x7fffffffu;
        if (v != 0 && v != 0xffff)
            return v;
    }
    if (slen >= 0x17) {
        v = rd16(s + 0x15);
        if (v == 0xffff && slen >= 0x58)
            return rd32(s + 0x54) & 0x7fffffffu;
        if (v != 0 && v != 0xffff)
            return v;
    }
    return 0;
}

enum cllm_status cllm_parse_smbios_memory(const unsigned char *buf, size_t len, struct cllm_ram_info *out)
{
    size_t off = 0;
    int devices = 0, populated = 0;
    unsigned speed = 0, type_code = 0;
    bool type_seen = false, malformed = false;

    if (!buf || !out)
        return CLLM_ERR_INVALID_ARG;
    while (off + 4 <= len) {
        const unsigned char *s = buf + off;
        unsigned stype = s[0], slen = s[1];
        size_t next;

        if (slen < 4 || off + slen > len) {
            malformed = true;
            break;
        }
        /* the string set follows the formatted area and ends with two NULs */
        next = off + slen;
        while (next + 1 < len && !(buf[next] == 0 && buf[next + 1] == 0))
            next++;
        if (next + 1 >= len) {
            malformed = true;
            break;
        }
        next += 2;

        if (stype == 17 && slen >= 0x0e) {
            unsigned size = rd16(s + 0x0c);
            devices++;
            /* 0 = empty slot; 0xFFFF = present, size unknown; 0x7FFF = see Extended Size */
            if (size != 0) {
                populated++;
                unsigned sp = device_speed(s, slen);
                /* the slowest DIMM sets the pace of the channel */
                if (sp > 0 && (speed == 0 || sp < speed))
                    speed = sp;
                if (slen > 0x12 && !type_seen) {
                    type_code = s[0x12];
                    type_seen = true;
                }
            }
        }
        off = next;
        if (stype == 127)
            break; /* end-of-table marker */
    }

    if (devices == 0) {
        const char *why = malformed ? "SMBIOS table is malformed before any memory device (type 17)"
                                    : "no memory device (type 17) in the SMBIOS table";
        cllm_reason_set(&out->why, "populated_slots", "%s", why);
        cllm_reason_set(&out->why, "speed_mts", "%s", why);
        cllm_reason_set(&out->why, "type", "%s", why);
        return malformed ? CLLM_ERR_PARSE : CLLM_ERR_NOT_FOUND;
    }
    out->populated_slots = populated;
    cllm_reason_clear(&out->why, "populated_slots");
    if (speed > 0) {
        out->speed_mts = (int)speed;
        cllm_reason_clear(&out->why, "speed_mts");
    } else {
        cllm_reason_set(&out->why, "speed_mts",
                        populated ? "SMBIOS memory devices report speed 0 (unknown; virtual machine?)"
                                  : "SMBIOS lists no populated memory device");
    }
    const char *tname = type_seen ? smbios_memory_type(type_code) : NULL;
    if (tname) {
        snprintf(out->type, sizeof(out->type), "%s", tname);
        cllm_reason_clear(&out->why, "type");
    } else if (type_seen) {
        cllm_reason_set(&out->why, "type",
                        "SMBIOS memory type 0x%02x is not a DRAM generation (0x07 'RAM' is typical of virtual "
                        "machines)",
                        type_code);
    } else {
        cllm_reason_set(&out->why, "type",
                        populated ? "SMBIOS memory devices are too short to carry a type"
                                  : "SMBIOS lists no populated memory device");
    }
    return CLLM_OK;
}

/* ---------------------------------------------------------------- os-release */

/* Unquotes a shell-style value: "..." or '...' with backslash escapes, or bare. */
static void os_release_value(const char *v, size_t n, char *out, size_t outlen)
{
    size_t o = 0;

    if (outlen == 0)
        return;
    while (n > 0 && isspace((unsigned char)v[n - 1]))
        n--;
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        char q = v[0];
        for (size_t i = 1; i + 1 < n && o + 1 < outlen; i++) {
            if (q == '"' && v[i] == '\\' && i + 2 < n)
                i++;
            out[o++] = v[i];
        }
    } else {
        for (size_t i = 0; i < n && o + 1 < outlen; i++)
            out[o++] = v[i];
    }
    out[o] = '\0';
}

/* Finds KEY=value at a line start; returns the value and its length through *n, or NULL. */
static const char *os_release_find(const char *buf, const char *key, size_t *n)
{
    size_t kl = strlen(key);
    const char *line = buf;

    while (*line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > kl && memcmp(line, key, kl) == 0 && line[kl] == '=') {
            *n = len - kl - 1;
            return line + kl + 1;
        }
        line += len;
        if (*line == '\n')
            line++;
    }
    return NULL;
}

enum cllm_status cllm_parse_os_release(const char *buf, char *out, size_t outlen)
{
    const char *v;
    size_t n;

    if (!buf || !out || outlen == 0)
        return CLLM_ERR_INVALID_ARG;
    out[0] = '\0';
    v = os_release_find(buf, "PRETTY_NAME", &n);
    if (v) {
        os_release_value(v, n, out, outlen);
        if (out[0])
            return CLLM_OK;
    }
    /* PRETTY_NAME is optional in the format: NAME plus VERSION (or VERSION_ID) says the same */
    v = os_release_find(buf, "NAME", &n);
    if (!v)
        return CLLM_ERR_NOT_FOUND;
    os_release_value(v, n, out, outlen);
    v = os_release_find(buf, "VERSION", &n);
    if (!v)
        v = os_release_find(buf, "VERSION_ID", &n);
    if (v) {
        char ver[128];
        size_t used = strlen(out);
        os_release_value(v, n, ver, sizeof(ver));
        if (ver[0] && used + 1 < outlen)
            snprintf(out + used, outlen - used, " %s", ver);
    }
    return out[0] ? CLLM_OK : CLLM_ERR_NOT_FOUND;
}
