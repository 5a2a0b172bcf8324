#!/usr/bin/env bash
# Re-records the fixtures in this folder from the real tools. Media is generated with lavfi into a temporary
# folder and thrown away: only what ffprobe/ffmpeg print (and the first bytes of two MP3s) is kept.
# Recorded with ffmpeg 5.1.9 (Debian 12). Run from anywhere: ./record.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p "$here/ffprobe" "$here/loudnorm" "$here/progress" "$here/id3"

ff() { ffmpeg -nostdin -hide_banner -v error -y "$@"; }

# --- Media -------------------------------------------------------------------------------------------------
ff -f lavfi -i "testsrc=size=64x64:rate=1" -frames:v 1 cover.png
cat > chapters.txt <<'META'
;FFMETADATA1
title=Episode With Chapters
artist=Airwave Test

[CHAPTER]
TIMEBASE=1/1000
START=0
END=1000
title=Intro

[CHAPTER]
TIMEBASE=1/1000
START=1000
END=3000
title=Main: the interview

[CHAPTER]
TIMEBASE=1/1000
START=3000
END=4000
META

# MP3, stereo, ID3v2.3 with every common tag and a PNG cover (attached_pic).
ff -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=3" -f lavfi -i "sine=frequency=660:sample_rate=44100:duration=3" \
    -i cover.png -filter_complex "[0:a][1:a]amerge=inputs=2[a]" -map "[a]" -map 2:v \
    -c:a libmp3lame -b:a 128k -c:v png -disposition:v attached_pic -id3v2_version 3 \
    -metadata title='Test Episode: Ünïcode & "quotes"' -metadata artist="Airwave Tester" -metadata album="Fixture Album" \
    -metadata album_artist="The Show" -metadata date=2024 -metadata genre=Podcast \
    -metadata comment="Recorded by ffmpeg lavfi" -metadata track=7/12 \
    -metadata:s:v title="Album cover" -metadata:s:v comment="Cover (front)" stereo_cover.mp3
# MP3, mono, ID3v2.4 (ffmpeg's default), no cover.
ff -f lavfi -i "sine=frequency=1000:sample_rate=22050:duration=2" -ac 1 -c:a libmp3lame -b:a 64k -id3v2_version 4 \
    -metadata title="Mono" -metadata artist="Airwave" mono_id3v24.mp3
# MP3 with ID3 CHAP chapters (what podcast apps read).
ff -f lavfi -i "sine=frequency=550:sample_rate=44100:duration=4" -i chapters.txt -map 0:a -map_metadata 1 -map_chapters 1 \
    -ac 1 -c:a libmp3lame -b:a 64k chapters.mp3
# AAC in M4A, stereo pink noise, chapters (the last one untitled).
ff -f lavfi -i "anoisesrc=color=pink:sample_rate=48000:duration=4:amplitude=0.3:seed=1" -i chapters.txt \
    -map 0:a -map_metadata 1 -map_chapters 1 -ac 2 -c:a aac -b:a 96k chapters.m4a
# AAC in M4A, mono, with a cover.
ff -f lavfi -i "sine=frequency=300:sample_rate=44100:duration=2" -i cover.png -map 0:a -map 1:v -c:a aac -b:a 64k \
    -c:v png -disposition:v attached_pic -metadata title="M4A with cover" -metadata artist="Airwave" -metadata genre="Talk" \
    cover.m4a
ff -f lavfi -i "sine=frequency=500:sample_rate=16000:duration=1.5" -c:a pcm_s16le -metadata title="Wave title" mono.wav
ff -f lavfi -i "anoisesrc=color=white:sample_rate=44100:duration=2:amplitude=0.2:seed=1" -ac 2 -c:a flac \
    -metadata TITLE="Flac Upper" -metadata ARTIST="Vorbis Comment" -metadata DATE=2023-05-01 -metadata TRACKNUMBER=3 \
    stereo.flac
ff -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=2" -ac 2 -c:a libopus -b:a 48k \
    -metadata title="Opus title" -metadata artist="Opus artist" stereo.opus
# Files that are not (whole) audio.
echo "this is not audio, just a text file" > text.mp3
ff -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=5" -ac 1 -c:a libmp3lame -b:a 128k full.mp3
head -c 20000 full.mp3 > truncated.mp3
: > empty.mp3

# --- ffprobe -----------------------------------------------------------------------------------------------
probe() { ffprobe -v error -print_format json -show_format -show_streams -show_chapters "$@"; }
for f in stereo_cover.mp3 mono_id3v24.mp3 chapters.mp3 chapters.m4a cover.m4a mono.wav stereo.flac stereo.opus \
         truncated.mp3 cover.png; do
    probe "$f" > "$here/ffprobe/${f%.*}_${f##*.}.json"
done
# Failures: ffprobe exits 1, prints an empty JSON object on stdout and the reason on stderr.
for f in text.mp3 empty.mp3 missing.mp3; do
    name="$here/ffprobe/${f%.*}_${f##*.}"
    set +e
    probe "$f" > "$name.json" 2> "$name.stderr"
    echo $? > "$name.exitcode"
    set -e
done
# Read from a pipe, Ogg has no index: no duration anywhere. With -show_optional_fields always the same
# absent fields come out as "N/A".
probe -i pipe:0 < stereo.opus > "$here/ffprobe/stereo_opus_pipe.json"
probe -show_optional_fields always -i pipe:0 < stereo.opus > "$here/ffprobe/stereo_opus_pipe_optional_fields.json"

# --- loudnorm ----------------------------------------------------------------------------------------------
# 20 s of mono pink noise: long and varied enough (LRA > 0) for linear mode to be allowed in the second pass.
ff -f lavfi -i "anoisesrc=color=pink:sample_rate=44100:duration=20:amplitude=0.1:seed=1" -ac 1 -c:a libmp3lame -b:a 64k long.mp3
# First pass as a pipeline would run it, banner and all (the JSON is logged at info level: -v error hides it).
ffmpeg -nostdin -i long.mp3 -af loudnorm=I=-16:TP=-1:LRA=11:print_format=json -f null - 2> "$here/loudnorm/first_pass.stderr"
val() { sed -n "s/^[[:space:]]*\"$1\" : \"\([^\"]*\)\".*/\1/p" "$here/loudnorm/first_pass.stderr" | tail -n 1; }
measured="measured_I=$(val input_i):measured_TP=$(val input_tp):measured_LRA=$(val input_lra)"
measured="$measured:measured_thresh=$(val input_thresh):offset=$(val target_offset)"
printf '%s\n' "$measured" > "$here/loudnorm/second_pass.options"
ffmpeg -nostdin -hide_banner -nostats -i long.mp3 \
    -af "loudnorm=I=-16:TP=-1:LRA=11:$measured:linear=true:print_format=json" -ar 44100 -c:a libmp3lame -b:a 64k \
    -y normalized.mp3 2> "$here/loudnorm/second_pass.stderr"
# Digital silence: integrated loudness and true peak are -inf, the offset is inf.
ffmpeg -nostdin -hide_banner -nostats -f lavfi -i "anullsrc=r=48000:cl=mono" -t 3 \
    -af loudnorm=I=-16:TP=-1:LRA=11:print_format=json -f null - 2> "$here/loudnorm/silence.stderr"
# Not audio: ffmpeg fails before the filter runs, so there is no JSON.
set +e
ffmpeg -nostdin -hide_banner -nostats -i text.mp3 -af loudnorm=print_format=json -f null - 2> "$here/loudnorm/not_audio.stderr"
echo $? > "$here/loudnorm/not_audio.exitcode"
set -e

# --- progress ----------------------------------------------------------------------------------------------
# Audio-only transcode of 30 minutes; -stats_period makes the fast run report often enough to be interesting.
ffmpeg -nostdin -hide_banner -nostats -v error -progress pipe:1 -stats_period 0.2 \
    -f lavfi -i "anoisesrc=color=pink:sample_rate=44100:duration=1800:amplitude=0.1:seed=1" \
    -ac 1 -c:a libmp3lame -b:a 64k -f mp3 -y out.mp3 > "$here/progress/audio_mp3.txt"
# Video + audio: ffmpeg adds frame, fps and stream_N_N_q keys.
ffmpeg -nostdin -hide_banner -nostats -v error -progress pipe:1 -stats_period 0.25 \
    -f lavfi -i "testsrc=size=160x90:rate=25:duration=120" -f lavfi -i "sine=duration=120" \
    -c:v libx264 -preset ultrafast -c:a aac -b:a 64k -shortest -f mp4 -y out.mp4 > "$here/progress/video_mp4.txt"

# --- ID3 ---------------------------------------------------------------------------------------------------
# The first 10 bytes (the ID3v2 header), ffprobe's own debug line about the tag (len excludes the 10-byte header;
# ffmpeg never writes a footer), and the 4 bytes right after the tag: the header of the first MPEG audio frame
# (LAME's Info frame), so a test can check the length lands exactly on audio.
id3() {
    local file="$1" out="$2" line len
    line=$(ffprobe -v debug "$file" 2>&1 | awk '/^id3v2 ver:/ && !found { print; found = 1 }')
    len=${line##*len:}
    {
        echo "# $file"
        echo "header=$(od -An -v -tx1 -N 10 "$file" | xargs)"
        echo "ffprobe_debug=$line"
        echo "audio_offset=$((len + 10))"
        echo "audio=$(od -An -v -tx1 -j "$((len + 10))" -N 4 "$file" | xargs)"
    } > "$out"
}
id3 mono_id3v24.mp3 "$here/id3/mono_id3v24_mp3.txt"
id3 stereo_cover.mp3 "$here/id3/stereo_cover_id3v23_mp3.txt"

echo "Recorded with: $(ffmpeg -version | head -n 1)" > "$here/RECORDED_WITH.txt"
