/* tests/fuzz/fuzz_cfg.c - libFuzzer target for the config parser.
 *
 * Feeds arbitrary bytes (as text) to mps_cfg_load_string (inih + the strict
 * key/range checks of sim/cfg.c).  A config that loads must emit its
 * generated views (C header, Verilog parameters, JSON) without error: the
 * checks accept nothing the generators cannot describe.  Build and run:
 * make fuzz-cfg (seed corpus tests/fuzz/corpus/cfg: the presets in configs/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	mps_cfg_t c;
	mps_err_t err;
	FILE *f;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0; /* the parser reads up to the first NUL, as from a file */
	if (mps_cfg_load_string(text, "fuzz.ini", &c, &err) == MPS_OK) {
		f = fopen("/dev/null", "w");
		if (f) {
			if (mps_cfg_emit_h(&c, f, &err) || mps_cfg_emit_svh(&c, f, &err) ||
			    mps_cfg_emit_json(&c, f, &err))
				__builtin_trap(); /* accepted but not describable */
			fclose(f);
		}
	} else if (!err.msg[0]) {
		__builtin_trap(); /* an error without a message */
	}
	free(text);
	return 0;
}
