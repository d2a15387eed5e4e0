// `swift run support-widget-url`: signs a demo user as the backend would and
// prints the URL the web view loads.

import SupportWidget

print(try demoSupportWidgetUrl().absoluteString)
