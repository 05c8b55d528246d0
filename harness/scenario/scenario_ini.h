/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenario_ini.h - INI items with line numbers (see scenario_ini.c) */
#ifndef KDH_SCENARIO_INI_H
#define KDH_SCENARIO_INI_H

#include <stdbool.h>
#include <stddef.h>

enum ini_kind { INI_SECTION, INI_ITEM };

/**
 * struct ini_item - a section header or an item, in file order
 * @key:	section kind ("vm") or item key; "" for [expect] lines and
 *		for the header-less section of items before the first header
 *		(line 0), which the scenario reports
 * @name:	section name ("win1"), "" for unnamed sections
 * @value:	item value, or the whole line in [expect]
 * @sep:	'=' or ':', the separator the item was split at (0 for the
 *		rest): a .vmx line has '=', a Proxmox line ':'
 */
struct ini_item {
	enum ini_kind kind;
	int line;
	char sep;
	char key[48];
	char name[48];
	char *value;		/* any length; owned by the struct ini */
};

struct ini {
	struct ini_item *items;
	size_t n;
};

int ini_parse(const char *text, struct ini *ini, char *err, size_t errlen);
void ini_free(struct ini *ini);

#endif /* KDH_SCENARIO_INI_H */
