# syntax=docker/dockerfile:1
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/bot.sqlite3 \
    WORK_DIR=/data/work \
    WEBHOOK_HOST=0.0.0.0 \
    WEBHOOK_PORT=8080

WORKDIR /app
# PyAV wheels bundle FFmpeg, so no system packages are needed.
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --create-home --uid 10001 bot && mkdir -p /data && chown bot:bot /data
# Code owned by root: the bot can read it, not change it. Only /data is writable.
COPY . .

USER bot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('WEBHOOK_PORT', '8080'), timeout=4)" || exit 1
CMD ["python", "bot.py"]
