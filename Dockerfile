FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only DEBUG=0 \
    python manage.py compilemessages && \
    SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only DEBUG=0 \
    python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "yangquan_aqi.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
