// SPDX-License-Identifier: GPL-2.0-or-later
/* report_svg.c - pieces the report's page and its SVG charts share:
 * escaping, and axis ticks at round values (1, 2 or 5 times a power of
 * ten) so every axis reads in plain numbers */
#include <math.h>
#include <stdio.h>

#include "harness/report/report_priv.h"

/** rp_esc() - append @s with XML's special characters escaped */
void rp_esc(GString *h, const char *s)
{
	gchar *e = g_markup_escape_text(s ? s : "", -1);

	g_string_append(h, e);
	g_free(e);
}

/**
 * rp_tick_step() - a round distance between axis ticks
 * @span:	the axis's range (> 0)
 * @want:	about how many ticks fit
 *
 * Return: 1, 2 or 5 times a power of ten, about @span / @want
 */
double rp_tick_step(double span, int want)
{
	double raw = span / (want > 0 ? want : 1);
	double mag = pow(10, floor(log10(raw)));
	double norm = raw / mag;

	return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

/**
 * rp_num() - a tick's value with as many decimals as its step needs
 * @buf:	output ("600", "0.5")
 * @len:	its size
 * @v:		the value
 * @step:	the axis's tick step
 */
void rp_num(char *buf, size_t len, double v, double step)
{
	int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);

	if (fabs(v) < step * 1e-6)
		v = 0;			/* no "-0" */
	snprintf(buf, len, "%.*f", dec, v);
}
