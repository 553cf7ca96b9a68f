# The dashboard as a container (used by compose.yaml): Python 3.11, the pinned packages, app.py.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt
COPY . .
EXPOSE 8501
# The scenario store is $ROI_DATABASE_URL (compose sets PostgreSQL); its migrations run on start.
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address", "0.0.0.0", \
     "--server.port", "8501", "--browser.gatherUsageStats", "false"]
