/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kd.h - the KD packet that rides inside KDNET data packets and on serial
 *
 *   leader u32 | type u16 LE | count u16 LE | id u32 LE | checksum u32 LE
 *   | data[count] | (serial only) trailing 0xAA
 */
#ifndef KDH_KD_H
#define KDH_KD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KD_HDR_LEN		16
#define KD_LEADER_DATA		0x30303030u	/* "0000" */
#define KD_LEADER_CONTROL	0x69696969u	/* "iiii" */
#define KD_LEADER_BREAKIN	0x62626262u	/* "bbbb" */
#define KD_TRAILER		0xaa		/* serial only */
#define KD_BREAKIN_BYTE		0x62		/* 'b' */
#define KD_SERIAL_MAX_DATA	4096	/* Windows' PACKET_MAX_SIZE is 4000 */
#define KD_API_PRINT_STRING	0x3230	/* DbgKdPrintStringApi */

enum kd_type {
	KD_TYPE_UNUSED = 0,
	KD_TYPE_STATE_CHANGE32 = 1,
	KD_TYPE_STATE_MANIPULATE = 2,
	KD_TYPE_DEBUG_IO = 3,
	KD_TYPE_ACKNOWLEDGE = 4,
	KD_TYPE_RESEND = 5,
	KD_TYPE_RESET = 6,
	KD_TYPE_STATE_CHANGE64 = 7,
	KD_TYPE_POLL_BREAKIN = 8,
	KD_TYPE_TRACE_IO = 9,
	KD_TYPE_CONTROL_REQUEST = 10,
	KD_TYPE_FILE_IO = 11,
	KD_TYPE_COUNT
};

/* Parse flags */
#define KD_SERIAL	0x1	/* expect the trailing 0xAA byte */

/**
 * struct kd_packet - a parsed KD packet
 * @leader:	one of KD_LEADER_*
 * @type:	enum kd_type (other values are kept, named "UNKNOWN")
 * @count:	bytes of @data
 * @id:		packet id
 * @checksum:	as sent
 * @checksum_ok: @checksum equals the byte sum of @data
 * @data:	points into the parsed buffer
 * @len:	bytes consumed (header, data, trailer)
 */
struct kd_packet {
	uint32_t leader;
	uint16_t type;
	uint16_t count;
	uint32_t id;
	uint32_t checksum;
	bool checksum_ok;
	const uint8_t *data;
	size_t len;
};

/* What a KDNET data payload holds */
enum kd_payload_kind {
	KD_PAYLOAD_PACKET,	/* a KD packet */
	KD_PAYLOAD_CONNECT,	/* 12-byte first packet: zeros + debugger IPv4 */
	KD_PAYLOAD_BREAKIN,	/* the single byte 'b' */
};

/**
 * struct kd_payload - classification of a KDNET data payload
 * @kind:	see enum kd_payload_kind
 * @pkt:	for KD_PAYLOAD_PACKET
 * @debugger_ip: for KD_PAYLOAD_CONNECT, host byte order
 */
struct kd_payload {
	enum kd_payload_kind kind;
	struct kd_packet pkt;
	uint32_t debugger_ip;
};

uint32_t kd_checksum(const uint8_t *data, size_t len);
int kd_packet_parse(const uint8_t *buf, size_t len, unsigned flags,
		    struct kd_packet *pkt);
int kd_packet_build(uint32_t leader, uint16_t type, uint32_t id,
		    const uint8_t *data, uint16_t count, unsigned flags,
		    uint8_t *out, size_t cap);
int kd_payload_parse(const uint8_t *buf, size_t len, struct kd_payload *pl);
int kd_print_body(const char *text, uint8_t *out, size_t cap);
const char *kd_type_name(uint16_t type);
const char *kd_leader_name(uint32_t leader);

#endif /* KDH_KD_H */
