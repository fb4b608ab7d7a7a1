// Fonts come from local packages so nothing is fetched from the network in a lecture hall.
import '@fontsource/nunito-sans/400.css'
import '@fontsource/nunito-sans/600.css'
import '@fontsource/nunito-sans/700.css'
import '@fontsource/nunito-sans/400-italic.css'
import '@fontsource/fira-code/400.css'
import './demo.css'
import './plot.css'
import './a11y.css'
