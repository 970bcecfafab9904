/* sim/dut_build.h - build (cached) and load the Verilated RTL of a config.
 *
 * The model of a config is built once into build/vl/<hash>/libdut.so, where
 * hash covers the config's generated Verilog parameters (comments stripped),
 * every file of the RTL tree (rtl.f, the lint waivers, the shim) and the
 * build script, the C++ level ($MPSIM_VL_OPT) and whether FST tracing is
 * compiled in (only needed for waveforms: tracing adds about 40% to the
 * model's C++); mpsim itself stays C and dlopen()s the library.
 * docs/verification.md describes the flow.
 */
#ifndef MPS_SIM_DUT_BUILD_H
#define MPS_SIM_DUT_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "err.h"
#include "rtl/shim/dut.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	const char *rtl_dir;   /* RTL tree (NULL: "rtl") */
	const char *build_dir; /* NULL: $MPSIM_BUILD or "build" */
	const char *script;    /* NULL: "scripts/build_dut.sh" */
	bool trace;            /* with --trace-fst (waveforms); a separate cached model */
} mps_dut_build_opts_t;

/* Build the model of a checked config unless cached.  On success so_path
 * holds the library and *cached tells whether it was reused.  Errors:
 * MPS_ERR_IO (cannot read an RTL file / write the build dir), MPS_ERR_DUT
 * (the build failed; the message names the log). */
int mps_dut_build(const mps_cfg_t *cfg, const mps_dut_build_opts_t *o, char *so_path,
                  size_t n, bool *cached, mps_err_t *err);

/* dlopen a built library and fill the function table.  Errors: MPS_ERR_DUT. */
int mps_dut_load(const char *so_path, mps_dut_api_t *api, mps_err_t *err);
void mps_dut_unload(mps_dut_api_t *api);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_DUT_BUILD_H */
