// The data the head explorer of task runs on (hooks/explorer_data.py exported it into the page).
task => window.headExplorer.data(task)
