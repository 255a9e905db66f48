/* The hardware section's writer: struct cllm_hw_info (hw/hw.h) → results "hardware". */
#ifndef CLLM_REPORT_WRITE_HW_H
#define CLLM_REPORT_WRITE_HW_H

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_hw_info;

/* {"os", "cpu", "ram", "gpu"} as docs/results-schema.md lists them; unknown values null with the reason under the
 * object's null_reasons. NULL only when out of memory. */
struct cJSON *cllm_report_hardware(const struct cllm_hw_info *hw);

#ifdef __cplusplus
}
#endif

#endif
