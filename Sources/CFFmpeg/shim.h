#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/* Function-like and cast macros that Swift does not import. */
static inline int sightline_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int sightline_averror_eof(void) { return AVERROR_EOF; }
static inline int sightline_averror_enoent(void) { return AVERROR(ENOENT); }
static inline int sightline_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t sightline_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline void sightline_av_log_quiet(void) { av_log_set_level(AV_LOG_QUIET); }
